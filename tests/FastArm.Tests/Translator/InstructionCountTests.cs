using NUnit.Framework;

namespace FastArm.Tests.Translator;

/// <summary>
/// Both engines count the same instructions: an exception that replaces an instruction (a misaligned PC, an
/// instruction abort) counts toward a run's budget but is not an instruction executed, in the reference interpreter
/// and in the translator alike (Cpu.InstructionsExecuted is what --max-insns and the statistics report).
/// </summary>
public class InstructionCountTests
{
    private static ulong Count(EngineMode mode)
    {
        using var m = new BareMetal(mode);
        m.Load("""
                mov x20, #0
                mov x2, #200
            1:  adr x0, resume
                add x0, x0, #2                  // a misaligned target: PC alignment fault at the branch target
                br x0
            resume:
                mov x1, #0x10000000             // nothing there: an instruction abort
                blr x1
                subs x2, x2, #1
                b.ne 1b
                b done
            """,
            sync: """
                add x20, x20, #1
                mrs x21, elr_el1
                and x21, x21, #~3
                adr x22, resume
                cmp x21, x22                    // from the misaligned branch: resume there
                b.eq 3f
                mov x21, x30                    // from blr: resume after it
            3:  msr elr_el1, x21
                mov x28, #0
                eret
            """);
        m.Run();
        Assert.That(m.X(20), Is.EqualTo(400UL), "two exceptions per iteration");
        return m.Cpu.InstructionsExecuted;
    }

    [Test]
    public void ExceptionsThatReplaceAnInstructionAreCountedAlikeByBothEngines()
    {
        ulong reference = Count(EngineMode.Interpreter);
        Assert.That(Count(EngineMode.JitEager), Is.EqualTo(reference), "translator, everything compiled");
        Assert.That(Count(EngineMode.JitTiered), Is.EqualTo(reference), "translator, tiered");
    }
}
