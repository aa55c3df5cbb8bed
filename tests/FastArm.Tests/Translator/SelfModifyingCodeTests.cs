using NUnit.Framework;

namespace FastArm.Tests.Translator;

/// <summary>
/// Code that the guest rewrites while it runs (issue 5, "Checked by", code invalidation). Each store of a new
/// instruction is followed by the architectural maintenance sequence for self-modifying code (Arm ARM B2.4.4
/// "Concurrent modification and execution of instructions", and the example in K11.5.2 "Ensuring the visibility of
/// updates to instructions"): DC CVAU, DSB ISH, IC IVAU, DSB ISH, ISB. After it the new instruction must run, so a
/// translator that keeps stale code fails the exact sums the tests check.
/// </summary>
[TestFixture(EngineMode.Interpreter)]
[TestFixture(EngineMode.JitEager)]
[TestFixture(EngineMode.JitTiered)]
public class SelfModifyingCodeTests(EngineMode mode)
{
    private const string Sync = """
            dc cvau, x11
            dsb ish
            ic ivau, x11
            dsb ish
            isb
        """;

    [Test]
    public void AHotFunctionWhoseMovzImmediateIsRewrittenFiftyTimesReturnsEachNewValue()
    {
        using var m = new BareMetal(mode);
        m.Load($$"""
                adr x11, patchme
                mov x20, #1                     // N
                mov x21, #0                     // sum of every call
                mov x24, #0                     // sum of the first call after each patch
                movz w22, #0xD280, lsl #16      // MOVZ X0, #0
            1:  orr w1, w22, w20, lsl #5        // MOVZ X0, #N
                str w1, [x11]
            {{Sync}}
                bl patchme
                add x24, x24, x0
                mov x2, #{{BareMetal.Hot}}
            2:  bl patchme
                add x21, x21, x0
                subs x2, x2, #1
                b.ne 2b
                tst x20, #7
                b.ne 3f
                bl hostpause
            3:  add x20, x20, #1
                cmp x20, #51
                b.ne 1b
                b done
                .balign 64
            patchme:
                movz x0, #0xFFFF
                ret
            """);
        m.Run();
        Assert.That(m.X(24), Is.EqualTo(1275UL), "the first call after each patch returns the new N (sum of 1..50)");
        Assert.That(m.X(21), Is.EqualTo(1275UL * BareMetal.Hot), "every call of the hot loop returns the current N");
        Assert.That(m.Read32(m["patchme"]), Is.EqualTo(GuestImage.Encode("movz x0, #50")));
    }

    [Test]
    public void PatchingEachInstructionOfAStraightLineFunctionInTurnIsSeenAtItsPosition()
    {
        // patchme: X0 = X1 + slot0 + slot1 + slot2 (three ADD immediates). Round N rewrites slot N % 3 to
        // ADD X0, X0, #(8 * N); the earlier patches of the other slots stay.
        using var m = new BareMetal(mode);
        m.Load($$"""
                adr x19, slot0
                mov x20, #1
                mov x21, #0
                mov x24, #0
                movz w22, #0x9100, lsl #16      // ADD X0, X0, #0
            1:  mov x3, #3
                udiv x4, x20, x3
                msub x4, x4, x3, x20            // N % 3
                add x11, x19, x4, lsl #2
                lsl x5, x20, #3
                orr w1, w22, w5, lsl #10        // ADD X0, X0, #(8 * N)
                str w1, [x11]
            {{Sync}}
                mov x1, x20
                bl patchme
                add x24, x24, x0
                mov x2, #{{BareMetal.Hot}}
            2:  mov x1, x20
                bl patchme
                add x21, x21, x0
                subs x2, x2, #1
                b.ne 2b
                cmp x20, #1
                b.ne 3f
                bl hostpause
            3:  add x20, x20, #1
                cmp x20, #41
                b.ne 1b
                b done
                .balign 64
            patchme:
                mov x0, x1
            slot0:
                add x0, x0, #1
            slot1:
                add x0, x0, #2
            slot2:
                add x0, x0, #4
                ret
            """);
        m.Run();
        ulong[] slots = [1, 2, 4];
        ulong first = 0, all = 0;
        for (ulong n = 1; n <= 40; n++)
        {
            slots[n % 3] = 8 * n;
            ulong r = n + slots[0] + slots[1] + slots[2];
            first += r;
            all += r * BareMetal.Hot;
        }
        Assert.That(m.X(24), Is.EqualTo(first), "the first call after each patch");
        Assert.That(m.X(21), Is.EqualTo(all), "the hot calls");
    }

    [Test]
    public void RewritingAHotUnconditionalBranchRedirectsControlFlow()
    {
        // patchme is a lone B: a translator may chain it to (or merge it with) its target. Rounds alternate the
        // target between target_b and target_a.
        using var m = new BareMetal(mode);
        m.Load($$"""
                adr x11, patchme
                adr x3, target_a
                sub x3, x3, x11
                lsr x3, x3, #2
                movz w4, #0x1400, lsl #16
                orr w12, w4, w3                 // B target_a
                adr x3, target_b
                sub x3, x3, x11
                lsr x3, x3, #2
                orr w13, w4, w3                 // B target_b
                mov x20, #0
                mov x21, #0
                mov x24, #0
                mov x2, #{{BareMetal.Hot}}      // hot with the original target first
            0:  bl patchme
                subs x2, x2, #1
                b.ne 0b
                bl hostpause
            1:  tst x20, #1
                csel w1, w13, w12, eq           // even rounds: target_b
                str w1, [x11]
            {{Sync}}
                bl patchme
                add x24, x24, x0
                mov x2, #{{BareMetal.Hot}}
            2:  bl patchme
                add x21, x21, x0
                subs x2, x2, #1
                b.ne 2b
                add x20, x20, #1
                cmp x20, #20
                b.ne 1b
                b done
                .balign 64
            patchme:
                b target_a
            target_a:
                movz x0, #0xA
                ret
            target_b:
                movz x0, #0xB00
                ret
            """);
        m.Run();
        Assert.That(m.X(24), Is.EqualTo(10 * 0xB00UL + 10 * 0xAUL), "first calls: 10 rounds of each target");
        Assert.That(m.X(21), Is.EqualTo((10 * 0xB00UL + 10 * 0xAUL) * BareMetal.Hot));
    }

    [Test]
    public void AStoreOverALaterInstructionOfItsOwnBlockCompletesAndTheRestOfTheBlockRuns()
    {
        // Without a context synchronization between the store and the patched instruction, the Arm ARM (B2.4.4)
        // lets that instruction execute as either the old or the new word. What is deterministic: the store
        // completes, the instructions before and after the patched one behave, and the patched one is one of the two.
        using var m = new BareMetal(mode);
        uint oldWord = GuestImage.Encode("movz x3, #0x111"), newWord = GuestImage.Encode("movz x3, #0x222");
        m.Load($$"""
                adr x11, target
                ldr w10, ={{newWord}}
                ldr w12, ={{oldWord}}
                mov x8, #0x222
                mov x2, #{{BareMetal.Hot}}
                mov x25, #0                     // errors
                mov x26, #0                     // iterations that saw the new word
            1:  str w12, [x11]                  // put the old word back, synchronized
            {{Sync}}
                mov x1, #0
                mov x3, #0
                mov x4, #0
                mov x5, #0
                b blk
            blk:
                movz x1, #1
                str w10, [x11]
                movz x4, #4
            target:
                movz x3, #0x111
                movz x5, #5
                cmp x3, #0x111
                ccmp x3, x8, #4, ne             // Z: X3 is the old or the new result
                cinc x25, x25, ne
                cmp x3, x8
                cinc x26, x26, eq
                cmp x1, #1
                cinc x25, x25, ne
                cmp x4, #4
                cinc x25, x25, ne
                cmp x5, #5
                cinc x25, x25, ne
                ldr w7, [x11]                   // the store completed
                cmp w7, w10
                cinc x25, x25, ne
                subs x2, x2, #1
                b.ne 1b
            """);
        m.Run();
        Assert.That(m.X(25), Is.EqualTo(0UL), "errors counted by the guest");
        Assert.That(m.Read32(m["target"]), Is.EqualTo(newWord));
        TestContext.Out.WriteLine($"{m.X(26)} of {BareMetal.Hot} iterations executed the new word without synchronization");
    }

    [Test]
    public void AStoreFollowedByTheMaintenanceSequenceInTheSameBlockRunsTheNewInstructionAfterTheIsb()
    {
        // Straight-line code: store, DC CVAU, DSB, IC IVAU, DSB, ISB, then the patched instruction. The ISB is a
        // context synchronization event: instructions after it are fetched after the invalidation (Arm ARM B2.4.4).
        using var m = new BareMetal(mode);
        uint oldWord = GuestImage.Encode("movz x3, #0x111"), newWord = GuestImage.Encode("movz x3, #0x222");
        m.Load($$"""
                adr x11, target
                ldr w10, ={{newWord}}
                ldr w12, ={{oldWord}}
                mov x2, #{{BareMetal.Hot}}
                mov x25, #0
                mov x26, #0
            1:  str w12, [x11]
            {{Sync}}
                mov x3, #0
                b blk
            blk:
                movz x1, #1
                str w10, [x11]
            {{Sync}}
            target:
                movz x3, #0x111
                movz x5, #5
                cmp x3, #0x222
                cinc x25, x25, ne
                add x26, x26, x3
                subs x2, x2, #1
                b.ne 1b
            """);
        m.Run();
        Assert.That(m.X(25), Is.EqualTo(0UL), "iterations that ran the old instruction after the ISB");
        Assert.That(m.X(26), Is.EqualTo(0x222UL * BareMetal.Hot));
        Assert.That(m.X(5), Is.EqualTo(5UL));
    }

    [Test]
    public void AStoreThatOverwritesItselfInAHotLoopRunsTheNewInstructionFromTheNextIteration()
    {
        // Phase 1: the store writes its own encoding back (hot). Phase 2: it writes ADD X6, X6, #1 over itself, so
        // of 100 iterations the first stores and the other 99 add. Then the STR is put back; five rounds.
        using var m = new BareMetal(mode);
        uint add = GuestImage.Encode("add x6, x6, #1");
        m.Load($$"""
                adr x11, self
                ldr w12, [x11]                  // the STR's own encoding
                ldr w13, ={{add}}
                mov x6, #0
                mov x20, #0
            round:
                mov w10, w12
                mov x2, #{{BareMetal.Hot}}
                bl loop_fn
                cbnz x20, 1f
                bl hostpause
            1:  mov w10, w13
                mov x2, #100
                bl loop_fn
                str w12, [x11]
            {{Sync}}
                add x20, x20, #1
                cmp x20, #5
                b.ne round
                b done
            loop_fn:
            lp: movz x1, #7
            self:
                str w10, [x11]
            {{Sync}}
                subs x2, x2, #1
                b.ne lp
                ret
            """);
        m.Run();
        Assert.That(m.X(6), Is.EqualTo(5UL * 99), "99 ADDs in each of five rounds");
        Assert.That(m.Read32(m["self"]), Is.Not.EqualTo(add), "the STR was put back at the end");
    }

    [Test]
    public void PatchingABlockThatAHotLoopReachesByABranchIsSeenByTheLoop()
    {
        // The patched ADD sits in its own block (a TBZ target) inside a loop: a translator that compiles the loop's
        // blocks into one method must drop that method when any of its blocks is written, not just its entry.
        // calc: x6 = 4..1; even x6 adds slot's immediate, odd x6 adds 1 -> 2 * imm + 2.
        using var m = new BareMetal(mode);
        m.Load($$"""
                adr x11, slot
                mov x20, #1
                mov x21, #0
                mov x24, #0
                movz w22, #0x9100, lsl #16      // ADD X0, X0, #0
            1:  lsl x5, x20, #3
                orr w1, w22, w5, lsl #10        // ADD X0, X0, #(8 * N)
                str w1, [x11]
            {{Sync}}
                bl calc
                add x24, x24, x0
                mov x2, #{{BareMetal.Hot}}
            2:  bl calc
                add x21, x21, x0
                subs x2, x2, #1
                b.ne 2b
                cmp x20, #1
                b.ne 3f
                bl hostpause
            3:  add x20, x20, #1
                cmp x20, #21
                b.ne 1b
                b done
                .balign 64
            calc:
                mov x0, #0
                mov x6, #4
            4:  tbz x6, #0, slot
                add x0, x0, #1
                b 5f
            slot:
                add x0, x0, #0
            5:  subs x6, x6, #1
                b.ne 4b
                ret
            """);
        m.Run();
        ulong first = 0;
        for (ulong n = 1; n <= 20; n++) first += 16 * n + 2;
        Assert.That(m.X(24), Is.EqualTo(first), "the first call after each patch");
        Assert.That(m.X(21), Is.EqualTo(first * BareMetal.Hot), "the hot calls");
    }

    [Test]
    public void StoresToDataOnTheSamePageAsHotCodeDropNoTranslation()
    {
        // A counter and a table next to the loop that updates them (small firmware and bare-metal images mix code and
        // data on a page): the stores must land, and they change no instruction, so no translated code is dropped.
        using var m = new BareMetal(mode);
        m.Load($$"""
                adr x11, counter
                mov x2, #{{BareMetal.Hot}}
            1:  ldr x3, [x11]
                add x3, x3, #1
                str x3, [x11]
                and x4, x2, #7
                strb w2, [x11, x4]
                str x2, [x11, #8]
                subs x2, x2, #1
                b.ne 1b
                ldr x3, [x11]
                b done
                .balign 16
            counter:
                .quad 0
                .quad 0
            """);
        m.Run();
        Assert.That(m.Read64(m["counter"] + 8), Is.EqualTo(1UL), "the last store of the loop landed");
        Assert.That(m.Cpu.TranslatorStatistics.UnitsInvalidated, Is.Zero, "no unit was dropped by a data store");
    }
}
