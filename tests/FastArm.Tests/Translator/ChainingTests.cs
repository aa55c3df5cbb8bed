using FastArm.Jit;
using NUnit.Framework;

namespace FastArm.Tests.Translator;

/// <summary>
/// Chaining: a compiled unit that leaves for another compiled unit calls it itself instead of returning to the
/// dispatcher. The guest must not see it: results, instruction counts and exact instruction budgets are those of the
/// reference interpreter, and hundreds of thousands of chained calls in a row do not grow the host stack.
/// </summary>
[TestFixture(EngineMode.JitEager)]
[TestFixture(EngineMode.JitTiered)]
public class ChainingTests(EngineMode mode)
{
    /// <summary>A loop on one page that calls a function on the next through a register, so that the call leaves the
    /// region (a region takes in direct calls only) and so does the function's return: each chains. The loop's back
    /// edge stays inside the caller's region.</summary>
    private const string PingPong = """
                mov x1, #0
                mov x2, #0
                mov x4, #0
                ldr x3, =200000
                ldr x8, =far_add
                b loop
                .ltorg
                .balign 4096
            loop:
                blr x8
                add x1, x1, #1
                cmp x1, x3
                b.ne loop
                b done
                .balign 4096
            far_add:
                add x2, x2, x1
                eor x4, x4, x2
                ldr x5, =far_data
                str x2, [x5]
                ret
                .ltorg
                .balign 8
            far_data:
                .quad 0
            """;

    /// <summary>The same loop with the function on the loop's own page: the call and its return stay inside one
    /// compiled region (the RET is predicted to come back to the block after the BL).</summary>
    private const string SamePageCall = """
                mov x1, #0
                mov x2, #0
                mov x4, #0
                ldr x3, =200000
                b loop
                .balign 4096
            loop:
                bl near_add
                add x1, x1, #1
                cmp x1, x3
                b.ne loop
                b done
            near_add:
                add x2, x2, x1
                eor x4, x4, x2
                tbnz x1, #0, 1f
                ret
            1:  mov x30, x30                     // odd iterations return from another block
                ret
            """;

    private static (ulong X2, ulong X4, ulong Count) RunPingPong(EngineMode m, out TranslatorStatistics stats, string program = PingPong)
    {
        using var bm = new BareMetal(m);
        bm.Load(program);
        bm.Run();
        stats = bm.Cpu.TranslatorStatistics;
        return (bm.X(2), bm.X(4), bm.Cpu.InstructionsExecuted);
    }

    [Test]
    public void CallsAndReturnsBetweenPagesChainWithoutChangingResultsOrCounts()
    {
        var reference = RunPingPong(EngineMode.Interpreter, out _);
        Assert.That(reference.X2, Is.EqualTo(199_999UL * 200_000 / 2), "the reference sum");
        var jit = RunPingPong(mode, out var stats);
        Assert.That(jit, Is.EqualTo(reference), "X2, X4 and the instruction count agree with the interpreter");
        // 200,000 iterations, two branches between pages each: most of them must have chained (eager: all compiled
        // at once; tiered: once the background translator has caught up).
        Assert.That(stats.ChainedRuns, Is.GreaterThan(mode == EngineMode.JitEager ? 350_000UL : 10_000UL),
            $"chained {stats.ChainedRuns} times, compiled runs {stats.CompiledRuns}");
    }

    [Test]
    public void ReturnsIntoTheCallersRegionStayInsideItWithoutChangingResultsOrCounts()
    {
        var reference = RunPingPong(EngineMode.Interpreter, out _, SamePageCall);
        Assert.That(reference.X2, Is.EqualTo(199_999UL * 200_000 / 2), "the reference sum");
        var jit = RunPingPong(mode, out var stats, SamePageCall);
        Assert.That(jit, Is.EqualTo(reference), "X2, X4 and the instruction count agree with the interpreter");
        if (mode == EngineMode.JitEager)
            Assert.That(stats.CompiledRuns + stats.ChainedRuns, Is.LessThan(20_000UL),
                $"200,000 calls and returns ran inside the region: compiled runs {stats.CompiledRuns}, chained {stats.ChainedRuns}");
    }

    [TestCase(1UL)]
    [TestCase(7UL)]
    [TestCase(100_003UL)]
    [TestCase(777_777UL)]
    public void AnInstructionBudgetStopsAChainExactlyWhereTheInterpreterStops(ulong budget)
    {
        foreach (var program in new[] { PingPong, SamePageCall })
            BudgetStopsLikeTheInterpreter(budget, program);
    }

    private void BudgetStopsLikeTheInterpreter(ulong budget, string program)
    {
        (ulong Pc, ulong X1, ulong X2, ulong X4, ulong Count) Run(EngineMode m)
        {
            using var bm = new BareMetal(m);
            bm.Load(program);
            // Warm up (compiles the code in both jit modes), then start over with a budget and no stop address.
            bm.Run();
            bm.Cpu.Pc = bm["main"];
            ulong before = bm.Cpu.InstructionsExecuted;
            var reason = bm.Cpu.Run(new RunLimits(MaxInstructions: budget));
            Assert.That(reason, Is.EqualTo(StopReason.InstructionLimit));
            return (bm.Cpu.Pc, bm.X(1), bm.X(2), bm.X(4), bm.Cpu.InstructionsExecuted - before);
        }
        var reference = Run(EngineMode.Interpreter);
        Assert.That(reference.Count, Is.EqualTo(budget));
        Assert.That(Run(mode), Is.EqualTo(reference), $"PC, registers and count after {budget} instructions of {(program == PingPong ? "the ping-pong" : "the same-page call")}");
    }

    [Test]
    public void AStopAddressOnAChainedPageIsStillHonoured()
    {
        // The stop address is far_add itself: every call must stop there, never chain past it.
        using var bm = new BareMetal(mode);
        bm.Load(PingPong);
        bm.Run();
        bm.Cpu.Pc = bm["main"];
        for (int i = 0; i < 1000; i++)
        {
            var reason = bm.Cpu.Run(new RunLimits(MaxInstructions: 1UL << 40, UntilAddress: bm["far_add"]));
            Assert.That(reason, Is.EqualTo(StopReason.Address));
            Assert.That(bm.X(1), Is.EqualTo((ulong)i), "one call per stop");
            bm.Cpu.Pc = bm.X(30);   // skip the call: resume after the BL
        }
    }
}
