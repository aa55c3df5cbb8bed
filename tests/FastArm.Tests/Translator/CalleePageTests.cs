using NUnit.Framework;

namespace FastArm.Tests.Translator;

/// <summary>
/// A hot loop calls a function on another page, and the function's code changes under it: written by the guest
/// (with the cache maintenance the architecture asks for) or by the host between two runs. The caller's compiled
/// region chains into the callee's, and the jump cache and chaining keep no stale callee: the next call runs the new
/// bytes. (A session also tried regions that take such callees in; they were slower, see docs/notes/translator.md.)
/// </summary>
[TestFixture(EngineMode.Interpreter)]
[TestFixture(EngineMode.JitEager)]
[TestFixture(EngineMode.JitTiered)]
public class CalleePageTests(EngineMode mode)
{
    [Test]
    public void PatchingACalleeOnAnotherPageRunsTheNewCodeAtTheNextCall()
    {
        using var m = new BareMetal(mode);
        uint addTwo = GuestImage.Encode("add x2, x2, #2");
        m.Load($$"""
                mov x1, #0
                mov x2, #0
                mov x11, #0
                ldr x3, ={{BareMetal.Hot}}
                ldr x9, =patch_target
                ldr w10, ={{addTwo}}
                b loop
                .ltorg
                .balign 4096
            loop:
                bl far
                add x1, x1, #1
                cmp x1, x3
                b.ne loop
                cbnz x11, 2f
                mov x11, #1
                str w10, [x9]                    // the callee, on the next page, now adds 2
                dc cvau, x9
                dsb ish
                ic ivau, x9
                dsb ish
                isb
                mov x1, #0
                b loop
            2:  b done
                .balign 4096
            far:
            patch_target:
                add x2, x2, #1
                ret
            """);
        m.Run();
        Assert.That(m.X(2), Is.EqualTo(3UL * BareMetal.Hot), "Hot calls adding 1, then Hot calls adding 2");
    }

    [Test]
    public void AHostWriteToACalleeOnAnotherPageRunsTheNewCodeAtTheNextCall()
    {
        using var m = new BareMetal(mode);
        m.Load($$"""
                mov x2, #0
                mov x5, #2
            0:  mov x1, #0
                ldr x3, ={{BareMetal.Hot}}
                b loop
                .ltorg
                .balign 4096
            loop:
                bl far
                add x1, x1, #1
                cmp x1, x3
                b.ne loop
                bl hostpause                     // the host patches the callee here, once
                subs x5, x5, #1
                b.ne 0b
                b done
                .balign 4096
            far:
            patch_target:
                add x2, x2, #1
                ret
            """);
        ulong patch = m["patch_target"];
        uint addThree = GuestImage.Encode("add x2, x2, #3");
        var reason = m.Cpu.Run(new FastArm.Jit.RunLimits(MaxInstructions: 1UL << 40, UntilAddress: m["hostpause"]));
        Assert.That(reason, Is.EqualTo(FastArm.Jit.StopReason.Address));
        m.H.Bus.Load(patch, BitConverter.GetBytes(addThree));
        m.Cpu.Pc = m.X(30);
        m.Run();
        Assert.That(m.X(2), Is.EqualTo(4UL * BareMetal.Hot), "Hot calls adding 1, then Hot calls adding 3");
    }
}
