using System.Diagnostics;
using System.Text;
using FastArm.Jit;
using FastArm.Tests.Differential;
using FastArm.Tests.Fp;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.Translator;

/// <summary>
/// The interpreter-versus-translator random differential: random programs (<see cref="EngineDifferential"/>: integer
/// sequences, random data-processing words, FP/SIMD/crypto sequences) run from the same state on an interpreter CPU
/// and on translator CPUs; X0-X30, SP, PC, NZCV and the rest of PSTATE, V0-V31, FPSR, FPCR, the exception registers
/// (ESR/ELR/FAR/SPSR_EL1; UNDEFINED instructions and faults are stepped over and counted) and the data memory must be
/// identical after every run. Translator CPUs: threshold 0 with synchronous translation (everything compiled; each
/// program runs twice), and threshold <see cref="TieredThreshold"/> with synchronous translation (each program runs
/// <see cref="TieredRuns"/> times, so the tier switches from interpreting to compiled code part-way), and the same
/// threshold with background translation (where the switch lands whenever the compiler thread finishes).
/// Environment: FASTARM_JIT_DIFF_SCALE=N multiplies the size (default 1: about 100,000 instructions; 10 gives more
/// than 1,000,000); FASTARM_JIT_DIFF_SEED=S sets the first batch's seed (default 1; batch k uses S + k; "random").
/// </summary>
[TestFixture]
[Category("Differential")]
public class EngineDifferentialTests
{
    public const int BatchesPerScale = 4;
    public const int IntegerPerBatch = 150, EncodingsPerBatch = 30, FpPerBatch = 60;
    public const int IntegerItems = 40, EncodingItems = 48, FpItems = 24;
    public const int EagerRuns = 2, TieredRuns = 4, TieredThreshold = 2;
    private const int MaxReported = 4;

    private static int Scale =>
        int.TryParse(Environment.GetEnvironmentVariable("FASTARM_JIT_DIFF_SCALE"), out int n) && n > 0 ? n : 1;

    private static int BaseSeed
    {
        get
        {
            string? s = Environment.GetEnvironmentVariable("FASTARM_JIT_DIFF_SEED");
            if (s == "random") return Environment.TickCount & 0x3FFF_FFFF;
            return int.TryParse(s, out int v) ? v : 1;
        }
    }

    private static CpuConfig Interpreter => Engines.Config(EngineMode.Interpreter);

    private static (string Name, CpuConfig Config, int Runs)[] Translators =>
    [
        ("translator (threshold 0, synchronous)", Engines.Config(EngineMode.JitEager), EagerRuns),
        ($"translator (threshold {TieredThreshold}, synchronous)",
            new CpuConfig { Engine = ExecutionEngine.Jit, JitThreshold = TieredThreshold, JitBackground = false }, TieredRuns),
        // Whenever the background translation lands (between runs or in the middle of one), the results are the same.
        ($"translator (threshold {TieredThreshold}, background)", Engines.Config(EngineMode.JitTiered), TieredRuns),
    ];

    [Test]
    public void RandomProgramsLeaveTheSameStateUnderTheInterpreterAndTheTranslator()
    {
        CrossTools.RequireAssembler();
        int scale = Scale, seed0 = BaseSeed;
        var session = new Session(Interpreter, Translators);
        for (int batch = 0; batch < scale * BatchesPerScale; batch++) session.RunBatch(seed0 + batch);
        string summary = $"engine differential: seeds {seed0}..{seed0 + scale * BatchesPerScale - 1} (scale {scale}), {session.Summary}";
        TestContext.Out.WriteLine(summary);
        if (session.Disagreements > 0) Assert.Fail(summary + "\n\n" + session.Report);
        Assert.That(session.Instructions, Is.GreaterThanOrEqualTo(100_000UL * (ulong)scale), "the test covers its size");
    }

    /// <summary>
    /// The comparison is tested: the "translator" here is an interpreter whose every EOR (shifted register) result
    /// gets bit 0 flipped (a code hook at the next instruction); the test must see disagreements and report the seed,
    /// the program's listing and the first differing register.
    /// </summary>
    [Test]
    public void ADeliberatelyWrongEngineIsCaughtAndReportedWithTheSeedTheListingAndTheRegister()
    {
        CrossTools.RequireAssembler();
        var session = new Session(Interpreter, [("broken engine", Interpreter, 1)])
        {
            Configure = cpu =>
            {
                int pending = -1;
                cpu.CodeHook = (pc, word) =>
                {
                    if (pending >= 0) { cpu.SetX(pending, cpu.GetX(pending) ^ 1); pending = -1; }
                    if ((word & 0x7F20_0000) == 0x4A00_0000 && (word & 31) != 31) pending = (int)(word & 31);
                };
            },
            IntegerCount = 30, EncodingCount = 0, FpCount = 0,
        };
        session.RunBatch(77);
        string report = session.Report.ToString();
        TestContext.Out.WriteLine(session.Summary + "\n" + report);
        Assert.That(session.Disagreements, Is.GreaterThan(0), "the corrupted EORs are noticed");
        Assert.That(report, Does.Contain("seed 77").And.Contain("first difference: X").And.Contain("eor").And.Contain("<=="));
        Assert.That(report, Does.Contain("first differing instruction"), "the disagreement is narrowed to an instruction");
    }

    /// <summary>Runs batches and collects disagreements.</summary>
    private sealed class Session(CpuConfig reference, (string Name, CpuConfig Config, int Runs)[] candidates)
    {
        private readonly CpuConfig _reference = reference;
        private readonly (string Name, CpuConfig Config, int Runs)[] _candidates = candidates;

        /// <summary>Adjusts each candidate CPU (testing the test).</summary>
        public Action<Cpu>? Configure { get; init; }
        public int IntegerCount { get; init; } = IntegerPerBatch;
        public int EncodingCount { get; init; } = EncodingsPerBatch;
        public int FpCount { get; init; } = FpPerBatch;

        public StringBuilder Report { get; } = new();
        public int Programs, Disagreements, Reported;
        /// <summary>Instructions of the reference runs (each compared with every candidate run).</summary>
        public ulong Instructions;
        /// <summary>Instructions the candidate CPUs ran in compared runs.</summary>
        public ulong CandidateInstructions;
        public ulong Exceptions;
        public Dictionary<string, int> ByFamily { get; } = [];
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _build;

        public string Summary =>
            $"{Programs} programs ({string.Join(", ", ByFamily.Select(f => $"{f.Value} {f.Key}"))}), " +
            $"{Instructions} instructions compared ({CandidateInstructions} executed by the translator CPUs in " +
            $"{string.Join(" + ", _candidates.Select(c => $"{c.Runs}"))} runs each), {Exceptions} exceptions stepped over, " +
            $"{Disagreements} disagreements; {_clock.Elapsed.TotalSeconds:F1}s ({_build.TotalSeconds:F1}s building)";

        public void RunBatch(int seed)
        {
            var sw = Stopwatch.StartNew();
            var r = new Random(seed);
            var gen = new Generator(seed);
            var fpGen = new FpCaseGenerator(seed);
            var batch = EngineDifferential.NewBatch();
            for (int i = 0; i < IntegerCount; i++) EngineDifferential.AddSequence(batch, gen.Next(i, IntegerItems), "integer", r);
            for (int i = 0; i < EncodingCount; i++)
                EngineDifferential.AddSequence(batch, gen.NextEncodings(i, EncodingItems), "encodings", r);
            for (int i = 0; i < FpCount; i++) EngineDifferential.AddFpSequence(batch, fpGen, r, FpItems);
            EngineDifferential.Build(batch);
            _build += sw.Elapsed;

            using var reference = NewCpu(_reference, batch, false);
            var cands = _candidates.Select(c => (c.Name, Cpu: NewCpu(c.Config, batch, true), c.Runs)).ToList();
            try
            {
                foreach (var c in batch.Cases)
                {
                    Programs++;
                    ByFamily[c.Family] = ByFamily.GetValueOrDefault(c.Family) + 1;
                    var want = EngineDifferential.Run(reference, batch, c);
                    Instructions += want.Executed;
                    Exceptions += want.Values[Array.IndexOf(EngineDifferential.Names, "exceptions taken")];
                    foreach (var (name, cpu, runs) in cands)
                    {
                        bool bad = false;
                        for (int run = 1; run <= runs && !bad; run++)
                        {
                            var got = EngineDifferential.Run(cpu, batch, c);
                            CandidateInstructions += got.Executed;
                            var diff = EngineDifferential.Differences(want, got);
                            if (diff.Count == 0) continue;
                            bad = true;
                            Disagreements++;
                            if (Reported++ < MaxReported) Explain(seed, batch, c, name, run, runs, want, got, diff, reference, cpu);
                        }
                    }
                }
            }
            finally
            {
                foreach (var c in cands) c.Cpu.Dispose();
            }
        }

        private CpuHarness NewCpu(CpuConfig config, EngineDifferential.Batch batch, bool candidate)
        {
            var h = new CpuHarness(config);
            h.Bus.Load(batch.Image.Base, batch.Image.Bytes);
            if (candidate) Configure?.Invoke(h.Cpu);
            return h;
        }

        private void Explain(int seed, EngineDifferential.Batch batch, DiffCase c, string engine, int run, int runs,
            EngineDifferential.Result want, EngineDifferential.Result got, List<int> diff, CpuHarness reference, CpuHarness cpu)
        {
            var names = EngineDifferential.Names;
            var sb = Report;
            sb.Append($"seed {seed}, {c.Family} program {c.Index} ({c.Symbol} at 0x{batch.Image[c.Symbol]:x}), {engine}, run {run} of {runs}:\n");
            sb.Append($"  reproduce: FASTARM_JIT_DIFF_SEED={seed} (this batch first)\n");
            if (diff[0] == -1) sb.Append($"  stop reason: interpreter {want.Reason}, translator {got.Reason}\n");
            int firstValue = diff.FirstOrDefault(d => d >= 0, -1);
            if (firstValue >= 0)
                sb.Append($"  first difference: {names[firstValue]}: interpreter 0x{want.Values[firstValue]:x16}, translator 0x{got.Values[firstValue]:x16}\n");
            sb.Append($"  {diff.Count(d => d >= 0)} values differ: ");
            sb.Append(string.Join(", ", diff.Where(d => d >= 0).Take(16).Select(d => $"{names[d]} 0x{want.Values[d]:x}/0x{got.Values[d]:x}")));
            sb.Append($"\n  instructions executed: interpreter {want.Executed}, translator {got.Executed}\n");

            var marks = new Dictionary<ulong, string>();
            ulong pcWant = want.Values[Array.IndexOf(names, "PC")], pcGot = got.Values[Array.IndexOf(names, "PC")];
            if (pcWant != pcGot)
            {
                marks[pcWant] = "interpreter stopped here";
                marks[pcGot] = "translator stopped here";
            }
            var (step, pcAt) = Narrow(batch, c, reference, cpu, want.Executed);
            if (step > 0)
            {
                marks[pcAt] = (marks.TryGetValue(pcAt, out var m) ? m + "; " : "") + $"first differing instruction (step {step})";
                sb.Append($"  first differing instruction: step {step} at 0x{pcAt:x} (states agree before it, single-stepped)\n");
            }
            else sb.Append("  (could not narrow it down by single-stepping)\n");
            if (c.Sequence != null) sb.Append("  generator listing:\n").Append(c.Sequence.Listing(c.Sequence.Items.Count));
            sb.Append("  code:\n").Append(EngineDifferential.Listing(batch, c, marks)).Append('\n');
        }

        /// <summary>Runs both CPUs from the initial state with budgets 1, 2, ... instructions and returns the first
        /// budget whose states differ and the address of the instruction it added (0 if none differs).</summary>
        private static (int Step, ulong Pc) Narrow(EngineDifferential.Batch batch, DiffCase c, CpuHarness reference, CpuHarness cpu, ulong max)
        {
            ulong epilogue = batch.Image["diff_epilogue"];
            ulong prevPc = batch.Image[c.Symbol];
            for (int n = 1; n <= (int)Math.Min(max + 1, 5000); n++)
            {
                var a = RunFor(reference, batch, c, n, epilogue);
                var b = RunFor(cpu, batch, c, n, epilogue);
                if (EngineDifferential.Differences(a, b).Count > 0) return (n, prevPc);
                prevPc = a.Values[Array.IndexOf(EngineDifferential.Names, "PC")];
            }
            return (0, 0);
        }

        private static EngineDifferential.Result RunFor(CpuHarness h, EngineDifferential.Batch batch, DiffCase c, int n, ulong epilogue)
        {
            EngineDifferential.Prepare(h, batch, c);
            ulong before = h.Cpu.InstructionsExecuted;
            var reason = h.Cpu.Run(new RunLimits(MaxInstructions: (ulong)n, UntilAddress: epilogue));
            // The stop reason depends on the budget, not on the engine; compare states only.
            return EngineDifferential.Capture(h, StopReason.InstructionLimit, h.Cpu.InstructionsExecuted - before);
        }
    }
}
