using System.Reflection;
using FastArm.Jit.Decode;

namespace FastArm.Jit.Interpreter;

/// <summary>A semantics method specialized for one emitter.</summary>
public delegate void Semantic<E>(ref E e, in Fields f);

/// <summary>
/// Binds each table row to its semantics method, specialized for emitter <typeparamref name="E"/> (value type
/// <typeparamref name="V"/>). Semantics methods are static generic methods <c>M&lt;E, V&gt;(ref E e, in Fields f)</c>
/// in the FastArm.Jit.Semantics namespace; the row names the method.
/// </summary>
public static class SemanticsBinder<E, V> where E : struct, Semantics.IA64Emitter<V>
{
    private static Semantic<E>[]? s_handlers;

    public static Semantic<E>[] Handlers => s_handlers ??= Bind(A64Table.All);

    private static nint[]? s_entryPoints;

    /// <summary>The handlers' entry points, for calls through function pointers (no delegate and no shuffle thunk:
    /// the interpreter's per-instruction call).</summary>
    public static nint[] EntryPoints => s_entryPoints ??= [.. Handlers.Select(h => h.Method.MethodHandle.GetFunctionPointer())];

    public static Semantic<E>[] Bind(IReadOnlyList<A64Row> rows)
    {
        var byName = SemanticsMethods();
        var result = new Semantic<E>[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            if (!byName.TryGetValue(rows[i].Semantics, out var m))
                throw new InvalidOperationException($"A64 row {rows[i].Name}: no semantics method '{rows[i].Semantics}'");
            result[i] = m.MakeGenericMethod(typeof(E), typeof(V)).CreateDelegate<Semantic<E>>();
        }
        return result;
    }

    private static Dictionary<string, MethodInfo> SemanticsMethods()
    {
        var map = new Dictionary<string, MethodInfo>();
        foreach (var t in typeof(SemanticsBinder<,>).Assembly.GetTypes())
        {
            if (t.Namespace != "FastArm.Jit.Semantics" || !t.IsAbstract || !t.IsSealed) continue;   // static classes
            foreach (var m in t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            {
                if (!m.IsGenericMethodDefinition || m.GetGenericArguments().Length != 2) continue;
                var ps = m.GetParameters();
                if (ps.Length != 2 || !ps[0].ParameterType.IsByRef) continue;
                if (!map.TryAdd(m.Name, m))
                    throw new InvalidOperationException($"two semantics methods are named {m.Name} ({map[m.Name].DeclaringType!.Name}, {t.Name})");
            }
        }
        return map;
    }
}
