namespace FastArm.Jit.Decode;

/// <summary>
/// The A64 encoding table: every encoding FastArm knows, one row each, drawn like the Arm ARM's encoding
/// diagrams. It is split into one partial file per Arm ARM group (A64Table.&lt;Group&gt;.cs) so that a group's rows
/// sit together; <see cref="All"/> is the whole table.
///
/// Overlaps are resolved by specificity: where two rows match a word, the one fixing more bits wins (an alias
/// or special case fixes more bits than the general form); rows of equal specificity must not overlap, and a
/// test checks that. A word no row matches is UNDEFINED.
/// </summary>
public static partial class A64Table
{
    private static A64Row[]? s_all;

    public static A64Row[] All => s_all ??= Build();

    private static A64Row[] Build()
    {
        var rows = new List<A64Row>();
        foreach (var m in typeof(A64Table).GetMethods(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static))
        {
            if (m.ReturnType == typeof(IEnumerable<A64Row>) && m.Name.StartsWith("Group", StringComparison.Ordinal) && m.GetParameters().Length == 0)
                rows.AddRange((IEnumerable<A64Row>)m.Invoke(null, null)!);
        }
        rows.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (int i = 0; i < rows.Count; i++) rows[i].Index = i;
        return rows.ToArray();
    }

    private static A64Row Row(string name, string pattern, string semantics, Feature feature = Feature.None) =>
        new(name, pattern, semantics, feature);
}
