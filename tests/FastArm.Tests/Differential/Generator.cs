namespace FastArm.Tests.Differential;

/// <summary>
/// Writes random, valid A64 integer instruction sequences as assembly text (GNU as syntax): ALU operations with
/// every shift and extend, flag setting, conditional select/compare with random NZCV, bitfields, multiply and
/// divide with edge operands, loads and stores of every size, sign and addressing mode into a 4 KiB scratch
/// buffer, exclusive pairs, acquire/release and LSE atomics, forward branches. What it never writes is listed in
/// <see cref="Exclusions"/>. Deterministic for a seed.
/// </summary>
public sealed class Generator
{
    public const int ScratchSize = 4096;
    private const int SpLow = 256, SpHigh = ScratchSize - 256;

    private readonly Random _r;

    public Generator(int seed) => _r = new Random(seed);

    /// <summary>A sequence of <paramref name="items"/> items from a fresh random initial state.</summary>
    public Sequence Next(int index, int items)
    {
        var s = new Sequence { Index = index };
        for (int i = 0; i < 31; i++) s.X[i] = RandomValue();
        s.Nzcv = (ulong)_r.Next(16) << 28;
        s.SpStart = 16 * _r.Next(64, 192);
        s.FillSeed = (ulong)_r.NextInt64() | 1;
        new Builder(this, s, items).Build();
        return s;
    }

    /// <summary>
    /// A sequence of random 32-bit words from the data-processing encoding groups (immediate and register), run
    /// with UNDEFINED instructions stepped over: the decoder's treatment of every reserved field combination is
    /// compared with QEMU's. Words that would write SP, and the encodings of features FastArm does not advertise,
    /// are left out (<see cref="Exclusions.ThirtyTwoBitSp"/>, <see cref="Exclusions.UnadvertisedFeatures"/>).
    /// Lines are ".inst 0x...".
    /// </summary>
    public Sequence NextEncodings(int index, int items)
    {
        var s = new Sequence { Index = index };
        for (int i = 0; i < 31; i++) s.X[i] = RandomValue();
        s.Nzcv = (ulong)_r.Next(16) << 28;
        s.SpStart = 16 * _r.Next(64, 192);
        s.FillSeed = (ulong)_r.NextInt64() | 1;
        while (s.Items.Count < items)
        {
            uint w = (uint)_r.NextInt64();
            bool imm = _r.Next(3) == 0;
            // Data processing (immediate): op0 = 100x at [28:25]; (register): x101.
            w = imm ? (w & ~0x1C000000u) | 0x10000000u : (w & ~0x0E000000u) | 0x0A000000u;
            if (!DataProcessingWordOk(ref w)) continue;
            var it = new Item { Kind = imm ? "encoding-dpimm" : "encoding-dpreg", SpAfter = s.SpStart };
            it.Lines.Add($".inst 0x{w:x8}");
            s.Items.Add(it);
        }
        return s;
    }

    /// <summary>False for what the encoding test leaves out; redirects an SP destination to a general register.</summary>
    private bool DataProcessingWordOk(ref uint w)
    {
        uint rd = w & 31;
        bool sFlag = (w & (1u << 29)) != 0;
        if ((w & 0x1C000000) == 0x10000000)
        {
            uint op = (w >> 23) & 7;                  // bits [25:23]
            if (op == 0b011) return false;            // ADDG/SUBG: FEAT_MTE
            // ADD/SUB (immediate) without S, and AND/ORR/EOR (immediate), write SP when Rd = 31.
            bool spDest = (op == 0b010 && !sFlag) || (op == 0b100 && ((w >> 29) & 3) != 3);
            if (spDest && rd == 31) w = (w & ~31u) | (uint)_r.Next(31);
            return true;
        }
        uint op0 = (w >> 30) & 1, op1 = (w >> 28) & 1, op2 = (w >> 21) & 15, op3 = (w >> 10) & 63;
        if (op1 == 0)
        {
            // ADD/SUB (extended register) without S writes SP when Rd = 31.
            if ((op2 & 0b1001) == 0b1001 && !sFlag && rd == 31) w = (w & ~31u) | (uint)_r.Next(31);
            return true;
        }
        if (op2 == 0b0000 && ((op3 & 0x1F) == 0x01 || (op3 & 0xF) == 0x2)) return false;   // RMIF, SETF8/16: FEAT_FlagM
        if (op2 == 0b0110 && op0 == 0 && op3 is 0b000000 or 0b000100 or 0b000101 or 0b001100)
            return false;                                                                 // SUBP(S), IRG, GMI: MTE; PACGA: PAuth
        if (op2 == 0b0110 && op0 == 1 && ((w >> 16) & 31) == 0b00001) return false;       // PACIA...XPACD: PAuth
        return true;
    }

    private ulong RandomValue() => _r.Next(20) switch
    {
        0 => 0,
        1 => 1,
        2 => ulong.MaxValue,
        3 => 0x8000_0000_0000_0000,
        4 => 0x7FFF_FFFF_FFFF_FFFF,
        5 => 0x8000_0000,
        6 => 0x7FFF_FFFF,
        7 => 0xFFFF_FFFF,
        8 => 0xFFFF_FFFF_8000_0000,
        9 => 0x1_0000_0000,
        10 => (ulong)_r.Next(65),
        11 => (ulong)-_r.Next(1, 65),
        12 => 1UL << _r.Next(64),
        13 => (uint)_r.NextInt64(),
        14 => (ulong)(long)(int)_r.NextInt64(),
        _ => (ulong)_r.NextInt64() ^ ((ulong)_r.Next(2) << 63),
    };

    // ---- operand spelling ----

    internal static string X(int r) => r == 31 ? "xzr" : $"x{r}";
    internal static string W(int r) => r == 31 ? "wzr" : $"w{r}";
    internal static string R(bool sf, int r) => sf ? X(r) : W(r);
    /// <summary>Register 31 as SP (in the operand positions where the encoding means SP).</summary>
    internal static string RSp(bool sf, int r) => r == 31 ? (sf ? "sp" : "wsp") : R(sf, r);

    internal static readonly string[] Conds = ["eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"];
    private static readonly string[] Shifts = ["lsl", "lsr", "asr", "ror"];
    private static readonly string[] Extends = ["uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"];

    /// <summary>A random valid logical immediate (Arm ARM DecodeBitMasks): a run of ones, rotated, replicated.</summary>
    internal ulong BitmaskImmediate(bool sf)
    {
        int[] sizes = sf ? [2, 4, 8, 16, 32, 64] : [2, 4, 8, 16, 32];
        int e = sizes[_r.Next(sizes.Length)];
        int ones = _r.Next(1, e);
        int rot = _r.Next(e);
        ulong mask = e == 64 ? ulong.MaxValue : (1UL << e) - 1;
        ulong elem = (1UL << ones) - 1;
        if (rot != 0) elem = ((elem >> rot) | (elem << (e - rot))) & mask;
        ulong v = 0;
        for (int i = 0; i < (sf ? 64 : 32); i += e) v |= elem << i;
        return v;
    }

    /// <summary>One memory access shape: mnemonic stem (st/ld + r + suffix), size in bytes, register width.</summary>
    private sealed record Access(string Stem, int Size, bool XReg, bool Load)
    {
        /// <summary>The mnemonic with the form letter inserted after st/ld: "" (LDR), "u" (LDUR), "t" (LDTR).</summary>
        public string Name(string form) => Stem[..2] + form + Stem[2..];
    }

    private static readonly Access[] Accesses =
    [
        new("strb", 1, false, false), new("ldrb", 1, false, true), new("ldrsb", 1, false, true), new("ldrsb", 1, true, true),
        new("strh", 2, false, false), new("ldrh", 2, false, true), new("ldrsh", 2, false, true), new("ldrsh", 2, true, true),
        new("str", 4, false, false), new("ldr", 4, false, true), new("ldrsw", 4, true, true),
        new("str", 8, true, false), new("ldr", 8, true, true),
    ];

    private static readonly string[] PrefetchOps = ["pldl1keep", "pldl2strm", "pldl3keep", "pstl1keep", "pstl2strm", "plil1keep", "plil3strm"];
    private static readonly string[] LseOps = ["ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin", "ldumax", "ldumin", "swp"];
    private static readonly string[] Orders = ["", "a", "l", "al"];

    /// <summary>Generates one sequence's items, tracking what it must: SP, the registers known to hold a
    /// scratch address, and which items a forward branch may skip.</summary>
    private sealed class Builder(Generator g, Sequence s, int count)
    {
        private readonly Random _r = g._r;
        private int _sp = s.SpStart;
        /// <summary>Registers holding scratch + offset (only set by items that surely execute).</summary>
        private readonly Dictionary<int, int> _known = [];
        /// <summary>Items with an index below this may be skipped by a forward branch.</summary>
        private int _skipUntil;
        private Item _it = null!;
        private readonly HashSet<int> _defs = [];
        private (int Reg, int Off)? _newKnown;

        private bool MaySkip => s.Items.Count < _skipUntil;

        public void Build()
        {
            while (s.Items.Count < count)
            {
                _defs.Clear();
                _newKnown = null;
                int pick = _r.Next(100);
                string kind = pick switch
                {
                    < 6 => "addsub-imm",
                    < 12 => "addsub-shift",
                    < 17 => "addsub-ext",
                    < 20 => "adc",
                    < 24 => "logic-imm",
                    < 30 => "logic-shift",
                    < 33 => "movewide",
                    < 37 => "bitfield",
                    < 40 => "dp1",
                    < 45 => "dp2",
                    < 49 => "dp3",
                    < 53 => "csel",
                    < 57 => "ccmp",
                    < 58 => "nzcv",
                    < 59 => "pcrel",
                    < 64 => "branch",
                    < 66 => "sp",
                    < 80 => "ldst",
                    < 84 => "ldst-pair",
                    < 85 => "ldst-literal",
                    < 87 => "acqrel",
                    < 92 => "exclusive",
                    _ => "lse",
                };
                if (kind == "sp" && MaySkip) continue;   // Exclusions.SpAlignment: SP must be known at every point
                _it = new Item { Kind = kind };
                switch (kind)
                {
                    case "branch": Branch(); break;
                    case "sp": SpAdjust(); break;
                    case "ldst": LoadStore(); break;
                    case "ldst-pair": Pair(); break;
                    case "ldst-literal": Literal(); break;
                    case "acqrel": AcquireRelease(); break;
                    case "exclusive": Exclusive(); break;
                    case "lse": Lse(); break;
                    case "pcrel": PcRelative(); break;
                    default: Alu(kind, []); break;
                }
                foreach (int d in _defs) _known.Remove(d);
                if (_newKnown is { } k && !MaySkip && k.Off is >= 0 and < ScratchSize) _known[k.Reg] = k.Off;
                _it.SpAfter = _sp;
                s.Items.Add(_it);
            }
        }

        private void Emit(string line) => _it.Lines.Add(line);
        private void Def(int r) { if (r != 31) _defs.Add(r); }

        private int Reg(ICollection<int>? avoid = null)
        {
            while (true)
            {
                int r = _r.Next(31);
                if (avoid == null || !avoid.Contains(r)) return r;
            }
        }

        /// <summary>A register number where 31 means XZR/WZR, which it is now and then.</summary>
        private int RegZ(ICollection<int>? avoid = null) => _r.Next(12) == 0 ? 31 : Reg(avoid);

        private bool Sf() => _r.Next(3) != 0;

        // ---- data processing (register destinations may be constrained, e.g. inside an exclusive pair) ----

        private void Alu(string kind, ICollection<int> noDef)
        {
            bool sf = Sf();
            int w = sf ? 64 : 32;
            int Dst(bool zrAllowed)
            {
                int d = zrAllowed ? RegZ(noDef) : Reg(noDef);
                Def(d);
                return d;
            }
            switch (kind)
            {
                case "addsub-imm":
                {
                    string op = new[] { "add", "adds", "sub", "subs" }[_r.Next(4)];
                    bool setFlags = op.EndsWith('s');
                    // ADD/SUB (immediate): Rd = 31 is SP (excluded) or, with S, ZR (CMP/CMN); Rn = 31 is SP.
                    int d = Dst(setFlags);
                    int n = _r.Next(8) == 0 ? 31 : Reg();
                    string imm = _r.Next(3) == 0 ? $"#{_r.Next(4096)}, lsl #12" : $"#{SmallOrAny(4096)}";
                    Emit($"{op} {(setFlags ? R(sf, d) : RSp(sf, d))}, {RSp(sf, n)}, {imm}");
                    break;
                }
                case "addsub-shift":
                {
                    string op = new[] { "add", "adds", "sub", "subs" }[_r.Next(4)];
                    int d = Dst(true), n = RegZ(), m = RegZ();
                    string shift = Shifts[_r.Next(3)];
                    Emit($"{op} {R(sf, d)}, {R(sf, n)}, {R(sf, m)}, {shift} #{ShiftAmount(w)}");
                    break;
                }
                case "addsub-ext":
                {
                    string op = new[] { "add", "adds", "sub", "subs" }[_r.Next(4)];
                    bool setFlags = op.EndsWith('s');
                    // ADD/SUB (extended register): Rd = 31 is SP without S (excluded), ZR with S; Rn = 31 is SP.
                    int d = Dst(setFlags);
                    int n = _r.Next(6) == 0 ? 31 : Reg();
                    int m = RegZ();
                    string ext = Extends[_r.Next(8)];
                    bool mIsX = sf && ext.EndsWith('x');
                    int amount = _r.Next(5);
                    Emit($"{op} {(setFlags ? R(sf, d) : RSp(sf, d))}, {RSp(sf, n)}, {R(mIsX, m)}, {ext}{(amount != 0 || _r.Next(2) == 0 ? $" #{amount}" : "")}");
                    break;
                }
                case "adc":
                {
                    string op = new[] { "adc", "adcs", "sbc", "sbcs", "ngc", "ngcs" }[_r.Next(6)];
                    int d = Dst(true);
                    if (op.StartsWith("ngc")) Emit($"{op} {R(sf, d)}, {R(sf, RegZ())}");
                    else Emit($"{op} {R(sf, d)}, {R(sf, RegZ())}, {R(sf, RegZ())}");
                    break;
                }
                case "logic-imm":
                {
                    string op = new[] { "and", "orr", "eor", "ands" }[_r.Next(4)];
                    // Rd = 31 is SP except for ANDS (ZR: TST).
                    int d = Dst(op == "ands");
                    Emit($"{op} {R(sf, d)}, {R(sf, RegZ())}, #0x{g.BitmaskImmediate(sf):x}");
                    break;
                }
                case "logic-shift":
                {
                    string op = new[] { "and", "bic", "orr", "orn", "eor", "eon", "ands", "bics" }[_r.Next(8)];
                    int d = Dst(true);
                    Emit($"{op} {R(sf, d)}, {R(sf, RegZ())}, {R(sf, RegZ())}, {Shifts[_r.Next(4)]} #{ShiftAmount(w)}");
                    break;
                }
                case "movewide":
                {
                    string op = new[] { "movz", "movn", "movk" }[_r.Next(3)];
                    int d = Dst(true);
                    Emit($"{op} {R(sf, d)}, #0x{_r.Next(65536):x}, lsl #{16 * _r.Next(sf ? 4 : 2)}");
                    break;
                }
                case "bitfield":
                {
                    int d = Dst(true), n = RegZ();
                    if (_r.Next(4) == 0)
                        Emit($"extr {R(sf, d)}, {R(sf, n)}, {R(sf, _r.Next(3) == 0 ? n : RegZ())}, #{_r.Next(w)}");   // Rn == Rm is ROR
                    else
                        Emit($"{new[] { "sbfm", "bfm", "ubfm" }[_r.Next(3)]} {R(sf, d)}, {R(sf, n)}, #{_r.Next(w)}, #{_r.Next(w)}");
                    break;
                }
                case "dp1":
                {
                    string op = sf ? new[] { "rbit", "rev16", "rev32", "rev", "clz", "cls" }[_r.Next(6)]
                                   : new[] { "rbit", "rev16", "rev", "clz", "cls" }[_r.Next(5)];
                    int d = Dst(true);
                    Emit($"{op} {R(sf, d)}, {R(sf, RegZ())}");
                    break;
                }
                case "dp2":
                {
                    int pick = _r.Next(10);
                    if (pick < 2)
                    {
                        string sz = "bhwx"[_r.Next(4)].ToString();
                        string op = (_r.Next(2) == 0 ? "crc32" : "crc32c") + sz;
                        int d = Dst(true);
                        Emit($"{op} {W(d)}, {W(RegZ())}, {(sz == "x" ? X(RegZ()) : W(RegZ()))}");
                        break;
                    }
                    if (pick < 6)
                    {
                        string op = pick < 4 ? "sdiv" : "udiv";
                        int n = RegZ(), m = RegZ();
                        // Edge operands now and then: INT_MIN / -1 and division by zero (both defined in A64).
                        int edge = _r.Next(4);
                        if (edge == 0 && n != 31 && m != 31 && n != m && !noDef.Contains(n) && !noDef.Contains(m))
                        {
                            Emit($"mov {R(sf, n)}, #{(sf ? "0x8000000000000000" : "0x80000000")}");
                            Emit($"mov {R(sf, m)}, #-1");
                            Def(n);
                            Def(m);
                        }
                        else if (edge == 1 && m != 31 && !noDef.Contains(m))
                        {
                            Emit($"mov {R(sf, m)}, #0");
                            Def(m);
                        }
                        int d = Dst(true);
                        Emit($"{op} {R(sf, d)}, {R(sf, n)}, {R(sf, m)}");
                        break;
                    }
                    {
                        string op = new[] { "lslv", "lsrv", "asrv", "rorv" }[pick - 6];
                        int d = Dst(true);
                        Emit($"{op} {R(sf, d)}, {R(sf, RegZ())}, {R(sf, RegZ())}");
                    }
                    break;
                }
                case "dp3":
                {
                    int pick = _r.Next(8);
                    int d = Dst(true);
                    if (pick < 2)
                        Emit($"{(pick == 0 ? "madd" : "msub")} {R(sf, d)}, {R(sf, RegZ())}, {R(sf, RegZ())}, {R(sf, RegZ())}");
                    else if (pick < 6)
                        Emit($"{new[] { "smaddl", "smsubl", "umaddl", "umsubl" }[pick - 2]} {X(d)}, {W(RegZ())}, {W(RegZ())}, {X(RegZ())}");
                    else
                        Emit($"{(pick == 6 ? "smulh" : "umulh")} {X(d)}, {X(RegZ())}, {X(RegZ())}");
                    break;
                }
                case "csel":
                {
                    string op = new[] { "csel", "csinc", "csinv", "csneg" }[_r.Next(4)];
                    int d = Dst(true);
                    Emit($"{op} {R(sf, d)}, {R(sf, RegZ())}, {R(sf, RegZ())}, {Conds[_r.Next(16)]}");
                    break;
                }
                case "ccmp":
                {
                    string op = _r.Next(2) == 0 ? "ccmp" : "ccmn";
                    string rhs = _r.Next(2) == 0 ? $"#{_r.Next(32)}" : R(sf, RegZ());
                    Emit($"{op} {R(sf, RegZ())}, {rhs}, #{_r.Next(16)}, {Conds[_r.Next(16)]}");
                    break;
                }
                case "nzcv":
                {
                    int r = _r.Next(31);
                    if (_r.Next(2) == 0) Emit($"msr nzcv, {X(r)}");
                    else if (noDef.Contains(r)) goto case "csel";
                    else { Def(r); Emit($"mrs {X(r)}, nzcv"); }
                    break;
                }
                default: throw new InvalidOperationException(kind);
            }
        }

        private int ShiftAmount(int w) => _r.Next(4) switch { 0 => 0, 1 => w - 1, _ => _r.Next(w) };

        private int SmallOrAny(int limit) => _r.Next(3) == 0 ? _r.Next(Math.Min(16, limit)) : _r.Next(limit);

        // ---- control flow ----

        private int ForwardTarget()
        {
            int t = Math.Min(s.Items.Count + 1 + _r.Next(4), count);
            _skipUntil = Math.Max(_skipUntil, t);
            return t;
        }

        private void Branch()
        {
            int pick = _r.Next(10);
            // Pick the target after anything that may write registers, so the branch item's own defs are right.
            switch (pick)
            {
                case < 3: Emit($"b.{Conds[_r.Next(16)]} {{L:{ForwardTarget()}}}"); break;
                case < 5:
                {
                    bool sf = Sf();
                    Emit($"{(_r.Next(2) == 0 ? "cbz" : "cbnz")} {R(sf, Reg())}, {{L:{ForwardTarget()}}}");
                    break;
                }
                case < 7:
                {
                    int bit = _r.Next(64);
                    Emit($"{(_r.Next(2) == 0 ? "tbz" : "tbnz")} {(bit < 32 && _r.Next(2) == 0 ? W(Reg()) : X(Reg()))}, #{bit}, {{L:{ForwardTarget()}}}");
                    break;
                }
                case 7: Emit($"b {{L:{ForwardTarget()}}}"); break;
                case 8: Def(30); Emit($"bl {{L:{ForwardTarget()}}}"); break;
                default:
                {
                    int k = Reg();
                    Def(k);
                    Emit($"adr {X(k)}, {{L:{ForwardTarget()}}}");
                    int how = _r.Next(3);
                    if (how == 1) Def(30);
                    Emit(how switch { 0 => $"br {X(k)}", 1 => $"blr {X(k)}", _ => $"ret {X(k)}" });
                    break;
                }
            }
        }

        private void PcRelative()
        {
            int d = Reg();
            Def(d);
            int t = _r.Next(count + 1);
            Emit($"{(_r.Next(2) == 0 ? "adr" : "adrp")} {X(d)}, {{L:{t}}}");
        }

        private void SpAdjust()
        {
            int delta;
            do delta = 16 * _r.Next(-16, 17); while (delta == 0 || _sp + delta < SpLow || _sp + delta > SpHigh);
            _sp += delta;
            Emit(delta > 0 ? $"add sp, sp, #{delta}" : $"sub sp, sp, #{-delta}");
        }

        // ---- memory ----

        /// <summary>A base register for an access; fills in setup lines when it has to make one.</summary>
        private sealed record Base(int Reg, int Off)
        {
            public bool IsSp => Reg == 31;
            public string Name => IsSp ? "sp" : $"x{Reg}";
        }

        /// <summary>Points a fresh register (not in <paramref name="avoid"/>) at scratch + <paramref name="off"/>.</summary>
        private Base FreshBase(int off, ICollection<int> avoid)
        {
            int b = Reg(avoid);
            Def(b);
            var near = _known.Where(k => k.Key != b && Math.Abs(k.Value - off) < 4096).Select(k => k.Key).ToList();
            int how = _r.Next(10);
            if (how < 3 && near.Count > 0)
            {
                int k = near[_r.Next(near.Count)];
                int delta = off - _known[k];
                Emit(delta >= 0 ? $"add {X(b)}, {X(k)}, #{delta}" : $"sub {X(b)}, {X(k)}, #{-delta}");
            }
            else if (how < 5)
                Emit($"ldr {X(b)}, =diff_scratch+{off}");
            else
            {
                Emit($"adrp {X(b)}, diff_scratch+{off}");
                Emit($"add {X(b)}, {X(b)}, #:lo12:diff_scratch+{off}");
            }
            return new Base(b, off);
        }

        private int RandomAligned(int lo, int hi, int align)
        {
            // An aligned value in [lo, hi]; lo and hi are clamped to the buffer.
            lo = Math.Max(lo, 0);
            int first = (lo + align - 1) / align, last = hi / align;
            if (last < first) throw new InvalidOperationException($"generator: no {align}-aligned address in [{lo}, {hi}]");
            return align * _r.Next(first, last + 1);
        }

        /// <summary>A base that is (known to be) exactly an aligned address in the buffer: for the no-offset forms.</summary>
        private Base ExactBase(int total, ICollection<int> avoid, bool allowSp)
        {
            if (allowSp && _r.Next(8) == 0 && _sp + total <= ScratchSize) return new Base(31, _sp);
            var ok = _known.Where(k => !avoid.Contains(k.Key) && k.Value % total == 0 && k.Value + total <= ScratchSize).ToList();
            if (ok.Count > 0 && _r.Next(2) == 0)
            {
                var k = ok[_r.Next(ok.Count)];
                return new Base(k.Key, k.Value);
            }
            int align = _r.Next(3) == 0 ? total : Math.Max(total, 16);
            return FreshBase(RandomAligned(0, ScratchSize - total, align), avoid);
        }

        private string TReg(Access a, int t) => a.XReg ? X(t) : W(t);

        private void LoadStore()
        {
            bool prefetch = _r.Next(20) == 0;
            // PRFM's immediate is scaled like a doubleword's.
            var a = prefetch ? Accesses[^1] : Accesses[_r.Next(Accesses.Length)];
            int size = a.Size;
            int mode = _r.Next(7);   // 0 and 6 unsigned offset, 1 unscaled, 2 pre-index, 3 post-index, 4 register, 5 unprivileged
            if (prefetch) mode = _r.Next(2) == 0 ? 0 : 4;
            bool writeback = mode is 2 or 3;
            // The transfer register is chosen first; with writeback the base avoids it (Exclusions.WritebackOverlap).
            int t = RegZ();
            var avoid = new HashSet<int>();
            if (writeback && t != 31) avoid.Add(t);
            bool spOk = !(writeback && MaySkip);   // Exclusions.SpAlignment: SP is known everywhere

            // Every base (known register, SP, fresh) lies in [0, ScratchSize), so each mode below always finds an
            // aligned address in the buffer within its offset range.
            Base b;
            string addr;
            int finalBase;
            switch (mode)
            {
                case 1 or 5:
                {
                    // LDUR/STUR and LDTR/STTR: simm9, unscaled.
                    b = PickBase(avoid, spOk, off => true);
                    int at = RandomAligned(b.Off - 256, Math.Min(ScratchSize - size, b.Off + 255), size);
                    addr = $"[{b.Name}, #{at - b.Off}]";
                    finalBase = b.Off;
                    break;
                }
                case 2:
                {
                    b = PickBase(avoid, spOk, off => true);
                    int at = b.IsSp
                        ? RandomAligned(Math.Max(SpLow, b.Off - 256), Math.Min(SpHigh, b.Off + 240), 16)
                        : RandomAligned(b.Off - 256, Math.Min(ScratchSize - size, b.Off + 255), size);
                    addr = $"[{b.Name}, #{at - b.Off}]!";
                    finalBase = at;
                    break;
                }
                case 3:
                {
                    b = PickBase(avoid, spOk, off => off % size == 0 && off + size <= ScratchSize);
                    int delta = b.IsSp ? 16 * _r.Next(-16, 16) : _r.Next(-256, 256);
                    if (b.IsSp && (b.Off + delta < SpLow || b.Off + delta > SpHigh)) delta = 0;
                    addr = $"[{b.Name}], #{delta}";
                    finalBase = b.Off + delta;
                    break;
                }
                case 4:
                {
                    // Register offset: [Xn, Xm{, LSL #s}], [Xn, Wm, UXTW|SXTW {#s}], [Xn, Xm, SXTX {#s}].
                    b = PickBase(avoid, true, off => true);
                    string ext = new[] { "lsl", "uxtw", "sxtw", "sxtx" }[_r.Next(4)];
                    if (ext == "uxtw" && b.Off > ScratchSize - size) ext = "sxtw";
                    int shift = _r.Next(2) == 0 || b.Off % size != 0 ? 0 : Log2(size);
                    int at = RandomAligned(ext == "uxtw" ? b.Off : 0, ScratchSize - size, size);
                    int idx = (at - b.Off) >> shift;
                    int m = Reg(new HashSet<int>(avoid) { b.Reg });
                    Def(m);
                    bool mIsW = ext is "uxtw" or "sxtw";
                    string rm = mIsW ? W(m) : X(m);
                    Emit($"mov {rm}, #{idx}");
                    // The amount may be written as #0 when it is 0 (S = 1 for bytes, else S = 0 is the same as no amount).
                    string amount = shift != 0 ? $" #{shift}" : _r.Next(3) == 0 ? " #0" : "";
                    addr = ext == "lsl" && amount == "" ? $"[{b.Name}, {rm}]" : $"[{b.Name}, {rm}, {ext}{amount}]";
                    finalBase = b.Off;
                    break;
                }
                default:
                {
                    // LDR/STR (unsigned offset): imm12 scaled by the size.
                    b = PickBase(avoid, spOk, off => off % size == 0 && off + size <= ScratchSize);
                    int kmax = Math.Min(4095, (ScratchSize - size - b.Off) / size);
                    int k = _r.Next(3) == 0 ? 0 : _r.Next(2) == 0 ? _r.Next(Math.Min(kmax, 16) + 1) : _r.Next(kmax + 1);
                    addr = k == 0 && _r.Next(2) == 0 ? $"[{b.Name}]" : $"[{b.Name}, #{k * size}]";
                    finalBase = b.Off;
                    break;
                }
            }

            if (prefetch)
                Emit($"prfm {PrefetchOps[_r.Next(PrefetchOps.Length)]}, {addr}");
            else
            {
                Emit($"{a.Name(mode is 1 ? "u" : mode is 5 ? "t" : "")} {TReg(a, t)}, {addr}");
                if (a.Load) { Def(t); _mainDefs.Add(t); }
            }
            Written(b, finalBase);
            _mainDefs.Clear();
        }

        /// <summary>Records the base's value after the item: SP moves; a register keeps being known unless overwritten.</summary>
        private void Written(Base b, int finalBase)
        {
            if (b.IsSp) { _sp = finalBase; return; }
            if (!_mainDefs.Contains(b.Reg)) _newKnown = (b.Reg, finalBase);
            Def(b.Reg);
        }

        /// <summary>Registers the main instruction of the item loads: a base among them (a load into its own
        /// base, without writeback) no longer holds an address.</summary>
        private readonly HashSet<int> _mainDefs = [];

        private Base PickBase(ICollection<int> avoid, bool allowSp, Func<int, bool> ok)
        {
            if (allowSp && _r.Next(6) == 0 && ok(_sp)) return new Base(31, _sp);
            var cands = _known.Where(k => !avoid.Contains(k.Key) && ok(k.Value)).ToList();
            if (cands.Count > 0 && _r.Next(2) == 0)
            {
                var k = cands[_r.Next(cands.Count)];
                return new Base(k.Key, k.Value);
            }
            while (true)
            {
                int off = _r.Next(3) == 0 ? 8 * _r.Next(ScratchSize / 8) : 16 * _r.Next(ScratchSize / 16);
                if (ok(off)) return FreshBase(off, avoid);
            }
        }

        private static int Log2(int size) => size switch { 1 => 0, 2 => 1, 4 => 2, 8 => 3, _ => 4 };

        private void Pair()
        {
            int kind = _r.Next(10);   // 0-5 LDP/STP w/x, 6 LDPSW, 7 LDNP/STNP
            bool load = _r.Next(2) == 0;
            bool sf = _r.Next(3) != 0;
            string op;
            if (kind == 6) { op = "ldpsw"; load = true; sf = true; }
            else if (kind == 7) op = load ? "ldnp" : "stnp";
            else op = load ? "ldp" : "stp";
            int size = op == "ldpsw" ? 4 : sf ? 8 : 4;
            int total = 2 * size;
            int mode = op.EndsWith("np") ? 0 : _r.Next(3);   // 0 offset, 1 pre, 2 post
            bool writeback = mode != 0;
            int t1 = RegZ(), t2 = RegZ();
            if (load) while (t2 == t1) t2 = RegZ();   // Exclusions.PairSameRegister
            var avoid = new HashSet<int>();
            if (writeback) { if (t1 != 31) avoid.Add(t1); if (t2 != 31) avoid.Add(t2); }
            bool spOk = !(writeback && MaySkip);
            string rt(int r) => op == "ldpsw" ? X(r) : R(sf, r);
            Base b;
            string addr;
            int finalBase;
            if (mode == 2)
            {
                b = PickBase(avoid, spOk, off => off % total == 0 && off + total <= ScratchSize);
                int delta = size * _r.Next(-64, 64);
                if (b.IsSp && (delta % 16 != 0 || b.Off + delta < SpLow || b.Off + delta > SpHigh)) delta = 0;
                addr = $"[{b.Name}], #{delta}";
                finalBase = b.Off + delta;
            }
            else
            {
                b = PickBase(avoid, spOk, off => off % size == 0);
                int lo = Math.Max(0, b.Off - 64 * size), hi = Math.Min(ScratchSize - total, b.Off + 63 * size);
                if (b.IsSp && mode == 1) { lo = Math.Max(lo, SpLow); hi = Math.Min(hi, SpHigh); }
                int at = RandomAligned(lo, hi, mode == 1 && b.IsSp ? 16 : total);
                addr = mode == 1 ? $"[{b.Name}, #{at - b.Off}]!" : $"[{b.Name}, #{at - b.Off}]";
                finalBase = mode == 1 ? at : b.Off;
            }
            Emit($"{op} {rt(t1)}, {rt(t2)}, {addr}");
            if (load) { Def(t1); Def(t2); _mainDefs.Add(t1); _mainDefs.Add(t2); }
            Written(b, finalBase);
            _mainDefs.Clear();
        }

        private void Literal()
        {
            int t = RegZ();
            int pick = _r.Next(4);
            // Each literal is a doubleword in an 8-aligned pool after the sequence, so every load of it is aligned.
            _it.Literals.Add((g.RandomValue(), 8));
            switch (pick)
            {
                case 0: Emit($"ldr {W(t)}, {{P:0}}"); Def(t); break;
                case 1: Emit($"ldr {X(t)}, {{P:0}}"); Def(t); break;
                case 2: Emit($"ldrsw {X(t)}, {{P:0}}"); Def(t); break;
                default: Emit($"prfm {PrefetchOps[_r.Next(PrefetchOps.Length)]}, {{P:0}}"); break;
            }
        }

        private void AcquireRelease()
        {
            int size = 1 << _r.Next(4);
            bool load = _r.Next(2) == 0;
            int t = RegZ();
            var b = ExactBase(size, [], true);
            string sfx = size switch { 1 => "b", 2 => "h", _ => "" };
            string rt = size == 8 ? X(t) : W(t);
            Emit($"{(load ? "ldar" : "stlr")}{sfx} {rt}, [{b.Name}]");
            if (load) { Def(t); _mainDefs.Add(t); }
            Written(b, b.Off);
            _mainDefs.Clear();
        }

        private void Exclusive()
        {
            bool pair = _r.Next(4) == 0;
            int size = pair ? (_r.Next(2) == 0 ? 4 : 8) : 1 << _r.Next(4);
            int total = pair ? 2 * size : size;
            bool acquire = _r.Next(2) == 0, release = _r.Next(2) == 0;
            // LD{A}XR{B,H} / LD{A}XP and ST{L}XR{B,H} / ST{L}XP.
            string sfx = pair ? "p" : "r" + size switch { 1 => "b", 2 => "h", _ => "" };
            string Rt(int r) => size == 8 ? X(r) : W(r);

            var b = ExactBase(total, [], false);
            int t1 = Reg([b.Reg]), t2 = pair ? Reg([b.Reg, t1]) : -1;   // Exclusions.PairSameRegister
            Emit($"ld{(acquire ? "a" : "")}x{sfx} {Rt(t1)}, {(pair ? Rt(t2) + ", " : "")}[{b.Name}]");
            Def(t1);
            if (pair) Def(t2);
            // Only register data processing between the pair, never writing the base (Exclusions.ExclusivePairing).
            int between = _r.Next(3);
            for (int i = 0; i < between; i++)
                Alu(new[] { "addsub-imm", "addsub-shift", "logic-shift", "csel", "dp1", "movewide" }[_r.Next(6)], [b.Reg]);
            if (_r.Next(8) == 0) Emit("clrex");
            // The status register differs from the data registers and the base (Exclusions.StoreExclusiveOverlap).
            int s1 = RegZ(), s2 = pair ? RegZ() : -1;
            var avoid = new HashSet<int> { b.Reg };
            if (s1 != 31) avoid.Add(s1);
            if (s2 >= 0 && s2 != 31) avoid.Add(s2);
            int st = Reg(avoid);
            Emit($"st{(release ? "l" : "")}x{sfx} {W(st)}, {Rt(s1)}, {(pair ? Rt(s2) + ", " : "")}[{b.Name}]");
            Def(st);
            Written(b, b.Off);
        }

        private void Lse()
        {
            int pick = _r.Next(10);
            string order = Orders[_r.Next(4)];
            if (pick < 7)
            {
                // LD<op> / ST<op> / SWP{A,L,AL}{B,H,} Rs, Rt, [Xn]
                int size = 1 << _r.Next(4);
                string sfx = size switch { 1 => "b", 2 => "h", _ => "" };
                string op = LseOps[_r.Next(LseOps.Length)];
                var b = ExactBase(size, [], true);
                int rs = RegZ([b.Reg]), rt = RegZ([b.Reg]);
                string R(int r) => size == 8 ? X(r) : W(r);
                if (op != "swp" && rt == 31 && (order is "" or "l") && _r.Next(2) == 0)
                    Emit($"st{op[2..]}{order}{sfx} {R(rs)}, [{b.Name}]");     // the ST<op> alias (Rt = ZR)
                else
                    Emit($"{op}{order}{sfx} {R(rs)}, {R(rt)}, [{b.Name}]");
                Def(rt);
                _mainDefs.Add(rt);
                Written(b, b.Off);
            }
            else if (pick < 9)
            {
                // CAS{A,L,AL}{B,H,} Rs, Rt, [Xn]; now and then Rs is loaded first so that the compare matches.
                int size = 1 << _r.Next(4);
                string sfx = size switch { 1 => "b", 2 => "h", _ => "" };
                var b = ExactBase(size, [], true);
                int rs = Reg([b.Reg]), rt = RegZ([b.Reg]);
                string R(int r) => size == 8 ? X(r) : W(r);
                if (_r.Next(2) == 0) Emit($"ldr{sfx} {R(rs)}, [{b.Name}]");
                Emit($"cas{order}{sfx} {R(rs)}, {R(rt)}, [{b.Name}]");
                Def(rs);
                _mainDefs.Add(rs);
                Written(b, b.Off);
            }
            else
            {
                // CASP{A,L,AL} Rs, Rs+1, Rt, Rt+1, [Xn] with even pairs below X30 (Exclusions.CaspRegisters).
                bool sf = _r.Next(2) == 0;
                int size = sf ? 8 : 4;
                var b = ExactBase(2 * size, [], true);
                int rs, rt;
                do rs = 2 * _r.Next(15); while (rs == b.Reg || rs + 1 == b.Reg);
                do rt = 2 * _r.Next(15); while (rt == b.Reg || rt + 1 == b.Reg || rt == rs);
                string R(int r) => sf ? X(r) : W(r);
                if (_r.Next(2) == 0) Emit($"ldp {R(rs)}, {R(rs + 1)}, [{b.Name}]");
                Emit($"casp{order} {R(rs)}, {R(rs + 1)}, {R(rt)}, {R(rt + 1)}, [{b.Name}]");
                Def(rs);
                Def(rs + 1);
                _mainDefs.Add(rs);
                _mainDefs.Add(rs + 1);
                Written(b, b.Off);
            }
            _mainDefs.Clear();
        }
    }
}
