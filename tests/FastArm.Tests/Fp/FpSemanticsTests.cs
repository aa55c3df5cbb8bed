using NUnit.Framework;
using static FastArm.Tests.Fp.FpMachine;

namespace FastArm.Tests.Fp;

/// <summary>
/// Hand-derived values for the corners of the Arm FP pseudocode: NaN selection and payloads, the default NaN,
/// flush-to-zero, tininess before rounding, rounding modes, signed zeros in min/max, conversion saturation,
/// the reciprocal estimate tables, half precision (AHP) and FPSR.QC.
/// </summary>
public unsafe class FpSemanticsTests
{
    // ---- NaNs

    [Test]
    public void AddPrefersASignallingNaNOverAQuietOneAndQuietensItKeepingThePayload()
    {
        using var m = new FpMachine();
        m.SetV(1, 0x7FC0_0001);   // quiet NaN, payload 1
        m.SetV(2, 0x7F80_0002);   // signalling NaN, payload 2
        Assert.That(m.Run("fadd s0, s1, s2"), Is.True);
        Assert.That(m.S(0), Is.EqualTo(0x7FC0_0002u));
        Assert.That(m.Fpsr, Is.EqualTo(IOC));
    }

    [Test]
    public void QuietNaNsPropagateTheFirstOperandWithoutRaisingInvalid()
    {
        using var m = new FpMachine();
        m.SetV(1, 0xFFF8_0000_0000_0123);
        m.SetV(2, 0x7FF8_0000_0000_0456);
        m.Run("fmul d0, d1, d2");
        Assert.That(m.D(0), Is.EqualTo(0xFFF8_0000_0000_0123UL));
        Assert.That(m.Fpsr, Is.EqualTo(0u));
    }

    [Test]
    public void DefaultNaNModeReplacesEveryNaNResultWithTheDefaultNaN()
    {
        using var m = new FpMachine();
        m.Fpcr = DN;
        m.SetV(1, 0xFFC0_1234);
        m.SetV(2, 0x3F80_0000);
        m.Run("fsub s0, s1, s2");
        Assert.That(m.S(0), Is.EqualTo(0x7FC0_0000u));
        Assert.That(m.Fpsr, Is.EqualTo(0u));
    }

    [Test]
    public void InvalidOperationsGiveTheDefaultNaN()
    {
        using var m = new FpMachine();
        m.SetD(1, double.PositiveInfinity);
        m.SetD(2, double.NegativeInfinity);
        m.Run("fadd d0, d1, d2");
        Assert.That(m.D(0), Is.EqualTo(0x7FF8_0000_0000_0000UL));
        Assert.That(m.Fpsr, Is.EqualTo(IOC));
    }

    [Test]
    public void FusedMultiplyAddTakesTheSignallingProductOperandBeforeTheQuietAddend()
    {
        using var m = new FpMachine();
        m.SetV(3, 0x7FC0_0003);   // Ra: quiet
        m.SetV(1, 0x7F80_0001);   // Rn: signalling
        m.SetS(2, 1.0f);
        m.Run("fmadd s0, s1, s2, s3");
        Assert.That(m.S(0), Is.EqualTo(0x7FC0_0001u));
        Assert.That(m.Fpsr, Is.EqualTo(IOC));
    }

    [Test]
    public void FusedMultiplyAddOfInfinityTimesZeroGivesTheDefaultNaNEvenWithAQuietNaNAddend()
    {
        using var m = new FpMachine();
        m.SetV(3, 0x7FC0_0003);
        m.SetS(1, float.PositiveInfinity);
        m.SetS(2, 0.0f);
        m.Run("fmadd s0, s1, s2, s3");
        Assert.That(m.S(0), Is.EqualTo(0x7FC0_0000u));
        Assert.That(m.Fpsr, Is.EqualTo(IOC));
    }

    [Test]
    public void MultiplySubtractNegatesTheFirstOperandBeforeNaNPropagationSoItsSignFlips()
    {
        using var m = new FpMachine();
        m.SetV(1, 0x7FF8_0000_0000_0042);
        m.SetD(2, 1.0);
        m.SetD(3, 1.0);
        m.Run("fmsub d0, d1, d2, d3");
        Assert.That(m.D(0), Is.EqualTo(0xFFF8_0000_0000_0042UL));
    }

    // ---- flush to zero and underflow

    [Test]
    public void FlushToZeroReadsADenormalInputAsZeroAndSetsInputDenormal()
    {
        using var m = new FpMachine();
        m.Fpcr = FZ;
        m.SetV(1, 0x8000_0001);   // -denormal
        m.SetV(2, 0x8000_0000);   // -0
        m.Run("fadd s0, s1, s2");
        Assert.That(m.S(0), Is.EqualTo(0x8000_0000u), "-0 + -0");
        Assert.That(m.Fpsr, Is.EqualTo(IDC));
    }

    [Test]
    public void FlushToZeroFlushesATinyResultSettingUnderflowButNotInexact()
    {
        using var m = new FpMachine();
        m.Fpcr = FZ;
        m.SetV(1, 0x0080_0000);   // smallest normal
        m.SetS(2, 0.5f);
        m.Run("fmul s0, s1, s2");
        Assert.That(m.S(0), Is.EqualTo(0u));
        Assert.That(m.Fpsr, Is.EqualTo(UFC));
    }

    [Test]
    public void UnderflowIsDetectedBeforeRoundingEvenWhenTheResultRoundsUpToTheSmallestNormal()
    {
        // (2^24 - 1) * 2^-150 is tiny before rounding and rounds (ties to even) to 2^-126.
        using var m = new FpMachine();
        m.SetV(1, 0x3FFF_FFFF);   // (2^24 - 1) * 2^-23
        m.SetV(2, 0x0040_0000);   // 2^-127
        m.Run("fmul s0, s1, s2");
        Assert.That(m.S(0), Is.EqualTo(0x0080_0000u));
        Assert.That(m.Fpsr, Is.EqualTo(UFC | IXC));
    }

    [Test]
    public void AnExactDenormalResultIsNotAnUnderflow()
    {
        using var m = new FpMachine();
        m.SetV(1, 0x0080_0000);
        m.SetS(2, 0.5f);
        m.Run("fmul s0, s1, s2");
        Assert.That(m.S(0), Is.EqualTo(0x0040_0000u));
        Assert.That(m.Fpsr, Is.EqualTo(0u));
    }

    [Test]
    public void OverflowGivesInfinityOrTheLargestNormalByRoundingMode()
    {
        using var m = new FpMachine();
        m.SetV(1, 0x7F7F_FFFF);
        m.SetS(2, 2.0f);
        m.Run("fmul s0, s1, s2");
        Assert.That(m.S(0), Is.EqualTo(0x7F80_0000u));
        Assert.That(m.Fpsr, Is.EqualTo(OFC | IXC));
        m.Fpsr = 0;
        m.Fpcr = RZ;
        m.Run("fmul s0, s1, s2");
        Assert.That(m.S(0), Is.EqualTo(0x7F7F_FFFFu));
        Assert.That(m.Fpsr, Is.EqualTo(OFC | IXC));
    }

    // ---- rounding modes

    [TestCase(RN, 0x3F80_0000u, 0xBF80_0000u)]
    [TestCase(RP, 0x3F80_0001u, 0xBF80_0000u)]
    [TestCase(RM, 0x3F80_0000u, 0xBF80_0001u)]
    [TestCase(RZ, 0x3F80_0000u, 0xBF80_0000u)]
    public void AdditionRoundsByFpcrRMode(uint rmode, uint positive, uint negative)
    {
        using var m = new FpMachine();
        m.Fpcr = rmode;
        m.SetS(1, 1.0f);
        m.SetV(2, 0x3300_0001);   // a little more than 2^-25: below half an ulp of 1.0
        m.SetS(3, -1.0f);
        m.SetV(4, 0xB300_0001);
        m.Run("fadd s0, s1, s2\n fadd s5, s3, s4");
        Assert.That(m.S(0), Is.EqualTo(positive));
        Assert.That(m.S(5), Is.EqualTo(negative));
        Assert.That(m.Fpsr, Is.EqualTo(IXC));
    }

    [Test]
    public void AnExactZeroSumIsNegativeOnlyWhenRoundingTowardsMinusInfinity()
    {
        using var m = new FpMachine();
        m.SetD(1, 1.5);
        m.SetD(2, -1.5);
        m.Run("fadd d0, d1, d2");
        Assert.That(m.D(0), Is.EqualTo(0UL));
        m.Fpcr = RM;
        m.Run("fadd d0, d1, d2");
        Assert.That(m.D(0), Is.EqualTo(0x8000_0000_0000_0000UL));
    }

    [TestCase("frintn", 0x4020_0000u, 0x4000_0000u)]   // 2.5 -> 2
    [TestCase("frinta", 0x4020_0000u, 0x4040_0000u)]   // 2.5 -> 3
    [TestCase("frintp", 0xBFC0_0000u, 0xBF80_0000u)]   // -1.5 -> -1
    [TestCase("frintm", 0xBFC0_0000u, 0xC000_0000u)]   // -1.5 -> -2
    [TestCase("frintz", 0xBFC0_0000u, 0xBF80_0000u)]   // -1.5 -> -1
    [TestCase("frintp", 0xBF00_0000u, 0x8000_0000u)]   // -0.5 -> -0
    public void RoundToIntegralUsesItsOwnRoundingWithoutInexact(string op, uint input, uint expected)
    {
        using var m = new FpMachine();
        m.SetV(1, input);
        m.Run($"{op} s0, s1");
        Assert.That(m.S(0), Is.EqualTo(expected));
        Assert.That(m.Fpsr, Is.EqualTo(0u));
    }

    [Test]
    public void FrintxSignalsInexact()
    {
        using var m = new FpMachine();
        m.SetD(1, 2.5);
        m.Run("frintx d0, d1");
        Assert.That(m.D(0), Is.EqualTo(BitConverter.DoubleToUInt64Bits(2.0)));
        Assert.That(m.Fpsr, Is.EqualTo(IXC));
    }

    // ---- min and max

    [TestCase("fmax", 0x0000_0000u, 0x8000_0000u, 0x0000_0000u)]
    [TestCase("fmax", 0x8000_0000u, 0x0000_0000u, 0x0000_0000u)]
    [TestCase("fmin", 0x0000_0000u, 0x8000_0000u, 0x8000_0000u)]
    [TestCase("fmin", 0x8000_0000u, 0x0000_0000u, 0x8000_0000u)]
    [TestCase("fmaxnm", 0x8000_0000u, 0x0000_0000u, 0x0000_0000u)]
    [TestCase("fminnm", 0x0000_0000u, 0x8000_0000u, 0x8000_0000u)]
    public void MinAndMaxOrderTheSignedZeros(string op, uint a, uint b, uint expected)
    {
        using var m = new FpMachine();
        m.SetV(1, a);
        m.SetV(2, b);
        m.Run($"{op} s0, s1, s2");
        Assert.That(m.S(0), Is.EqualTo(expected));
    }

    [Test]
    public void MaxNumberIgnoresOneQuietNaNButNotASignallingOne()
    {
        using var m = new FpMachine();
        m.SetV(1, 0x7FC0_0000);
        m.SetS(2, -3.0f);
        m.Run("fmaxnm s0, s1, s2\n fmax s3, s1, s2");
        Assert.That(m.S(0), Is.EqualTo(BitConverter.SingleToUInt32Bits(-3.0f)));
        Assert.That(m.S(3), Is.EqualTo(0x7FC0_0000u));
        Assert.That(m.Fpsr, Is.EqualTo(0u));
        m.SetV(1, 0x7F80_0005);
        m.Run("fminnm s0, s1, s2");
        Assert.That(m.S(0), Is.EqualTo(0x7FC0_0005u));
        Assert.That(m.Fpsr, Is.EqualTo(IOC));
    }

    // ---- compares

    [Test]
    public void CompareWithANaNIsUnorderedAndOnlyTheSignallingFormRaisesInvalidForQuietNaNs()
    {
        using var m = new FpMachine();
        m.SetV(1, 0x7FF8_0000_0000_0000);
        m.SetD(2, 1.0);
        m.Cpu.S.Nzcv = 0;
        m.Run("fcmp d1, d2");
        Assert.That(m.Cpu.S.Nzcv, Is.EqualTo(0x3000_0000u));
        Assert.That(m.Fpsr, Is.EqualTo(0u));
        m.Run("fcmpe d1, d2");
        Assert.That(m.Fpsr, Is.EqualTo(IOC));
    }

    [Test]
    public void CompareSetsNzcvForLessEqualAndGreater()
    {
        using var m = new FpMachine();
        m.SetD(1, -1.0);
        m.SetD(2, 1.0);
        m.Run("fcmp d1, d2");
        Assert.That(m.Cpu.S.Nzcv, Is.EqualTo(0x8000_0000u));
        m.Run("fcmp d2, d1");
        Assert.That(m.Cpu.S.Nzcv, Is.EqualTo(0x2000_0000u));
        m.Run("fcmp d1, d1");
        Assert.That(m.Cpu.S.Nzcv, Is.EqualTo(0x6000_0000u));
        m.SetD(3, 0.0);
        m.SetV(4, 0x8000_0000_0000_0000);
        m.Run("fcmp d4, #0.0");
        Assert.That(m.Cpu.S.Nzcv, Is.EqualTo(0x6000_0000u), "-0 == +0");
    }

    // ---- conversions to integer

    [TestCase("fcvtzs w0, s1", 3e9f, 0x7FFF_FFFFUL, IOC)]
    [TestCase("fcvtzs w0, s1", -3e9f, 0x8000_0000UL, IOC)]
    [TestCase("fcvtzs x0, s1", -3e9f, 0xFFFF_FFFF_4D2F_A200UL, 0u)]
    [TestCase("fcvtzu w0, s1", -1.0f, 0UL, IOC)]
    [TestCase("fcvtzu w0, s1", -0.5f, 0UL, IXC)]
    [TestCase("fcvtzu x0, s1", float.PositiveInfinity, ulong.MaxValue, IOC)]
    [TestCase("fcvtns w0, s1", 2.5f, 2UL, IXC)]
    [TestCase("fcvtas w0, s1", 2.5f, 3UL, IXC)]
    [TestCase("fcvtas w0, s1", -2.5f, 0xFFFF_FFFDUL, IXC)]
    [TestCase("fcvtms w0, s1", -2.5f, 0xFFFF_FFFDUL, IXC)]
    [TestCase("fcvtps w0, s1", -2.5f, 0xFFFF_FFFEUL, IXC)]
    [TestCase("fcvtzs w0, s1, #4", 1.75f, 28UL, 0u)]
    public void ConversionsToIntegerRoundAndSaturate(string asm, float input, ulong expected, uint flags)
    {
        using var m = new FpMachine();
        m.SetS(1, input);
        m.Run(asm);
        Assert.That(m.Cpu.GetX(0), Is.EqualTo(expected));
        Assert.That(m.Fpsr, Is.EqualTo(flags));
    }

    [Test]
    public void ConversionOfANaNToIntegerGivesZeroAndInvalid()
    {
        using var m = new FpMachine();
        m.SetV(1, 0x7FF8_0000_0000_0000);
        m.Cpu.SetX(0, 0x1234);
        m.Run("fcvtzs x0, d1");
        Assert.That(m.Cpu.GetX(0), Is.EqualTo(0UL));
        Assert.That(m.Fpsr, Is.EqualTo(IOC));
    }

    [Test]
    public void IntegerToFloatRoundsByFpcr()
    {
        using var m = new FpMachine();
        m.Cpu.SetX(1, 0x0100_0001);   // 2^24 + 1: not representable in single
        m.Run("scvtf s0, w1");
        Assert.That(m.S(0), Is.EqualTo(0x4B80_0000u));
        Assert.That(m.Fpsr, Is.EqualTo(IXC));
        m.Fpcr = RP;
        m.Run("ucvtf s0, x1");
        Assert.That(m.S(0), Is.EqualTo(0x4B80_0001u));
        m.Cpu.SetX(1, 0x8000_0000_0000_0000);
        m.Run("scvtf d0, x1, #63");
        Assert.That(m.D(0), Is.EqualTo(BitConverter.DoubleToUInt64Bits(-1.0)));
    }

    // ---- half precision

    [Test]
    public void HalfPrecisionConversionOverflowsToInfinityInIeeeFormat()
    {
        using var m = new FpMachine();
        m.SetS(1, 65536.0f);
        m.Run("fcvt h0, s1");
        Assert.That(m.Lo(0), Is.EqualTo(0x7C00UL));
        Assert.That(m.Fpsr, Is.EqualTo(OFC | IXC));
    }

    [Test]
    public void AlternativeHalfPrecisionHasNoInfinitiesOrNaNs()
    {
        using var m = new FpMachine();
        m.Fpcr = AHP;
        m.SetS(1, 65536.0f);
        m.Run("fcvt h0, s1");
        Assert.That(m.Lo(0), Is.EqualTo(0x7C00UL), "65536 is a normal AHP number");
        Assert.That(m.Fpsr, Is.EqualTo(0u));
        m.SetS(1, float.NegativeInfinity);
        m.Run("fcvt h0, s1");
        Assert.That(m.Lo(0), Is.EqualTo(0xFFFFUL));
        Assert.That(m.Fpsr, Is.EqualTo(IOC));
        m.Fpsr = 0;
        m.SetV(1, 0x7FC0_0000);
        m.Run("fcvt h0, s1");
        Assert.That(m.Lo(0), Is.EqualTo(0UL));
        Assert.That(m.Fpsr, Is.EqualTo(IOC));
        m.SetV(2, 0x7C00);
        m.Run("fcvt s3, h2");
        Assert.That(m.S(3), Is.EqualTo(BitConverter.SingleToUInt32Bits(65536.0f)));
    }

    [Test]
    public void NaNPayloadsCarryOverWhenChangingPrecision()
    {
        using var m = new FpMachine();
        const ulong op = 0x7FF6_3456_7890_0000;   // signalling NaN with a payload
        m.SetV(1, op);
        m.Run("fcvt s0, d1");
        Assert.That(m.S(0), Is.EqualTo(0x7FC0_0000u | (uint)((op & ((1UL << 51) - 1)) >> 29)));
        Assert.That(m.Fpsr, Is.EqualTo(IOC));
    }

    // ---- estimates

    [TestCase(0x3F80_0000u, 0x3F7F_8000u)]   // 1.0 -> 0.998046875
    [TestCase(0x4000_0000u, 0x3EFF_8000u)]   // 2.0
    [TestCase(0x4040_0000u, 0x3EAA_8000u)]   // 3.0 -> 0.3330078125
    [TestCase(0x0000_0000u, 0x7F80_0000u)]   // +0 -> +inf, DZC
    [TestCase(0x0020_0000u, 0x7F7F_8000u)]   // 2^-128, a denormal: still an estimate
    [TestCase(0x0010_0000u, 0x7F80_0000u)]   // 2^-129, below 2^-128: overflows to infinity
    public void ReciprocalEstimateFollowsTheTable(uint input, uint expected)
    {
        using var m = new FpMachine();
        m.SetV(1, input);
        m.Run("frecpe s0, s1");
        Assert.That(m.S(0), Is.EqualTo(expected));
    }

    [TestCase(0x3F80_0000u, 0x3F7F_8000u)]   // 1.0 -> 0.998046875
    [TestCase(0x4080_0000u, 0x3EFF_8000u)]   // 4.0 -> 0.499...
    [TestCase(0x4000_0000u, 0x3F34_8000u)]   // 2.0 -> 0.705078125
    [TestCase(0xBF80_0000u, 0x7FC0_0000u)]   // negative: default NaN
    public void ReciprocalSquareRootEstimateFollowsTheTable(uint input, uint expected)
    {
        using var m = new FpMachine();
        m.SetV(1, input);
        m.Run("frsqrte s0, s1");
        Assert.That(m.S(0), Is.EqualTo(expected));
    }

    [Test]
    public void UnsignedEstimatesSaturateBelowOneHalfOrOneQuarter()
    {
        using var m = new FpMachine();
        m.SetV(1, 0x7FFF_FFFF_8000_0000);
        m.Run("urecpe v0.2s, v1.2s\n ursqrte v2.2s, v1.2s");
        Assert.That(m.Lo(0), Is.EqualTo(0xFFFF_FFFF_FF80_0000UL));
        // 0x7FFFFFFF is at least a quarter: RecipSqrtEstimate(255) = 362; 0x80000000: RecipSqrtEstimate(256) = 361.
        Assert.That(m.Lo(2), Is.EqualTo(0xB500_0000_B480_0000UL));
    }

    [Test]
    public void StepFunctionsGiveTwoAndOnePointFiveForInfinityTimesZero()
    {
        using var m = new FpMachine();
        m.SetV(1, 0x7F80_0000);
        m.SetV(2, 0x8000_0000);
        m.Run("frecps s0, s1, s2\n frsqrts s3, s1, s2");
        Assert.That(m.S(0), Is.EqualTo(0x4000_0000u));
        Assert.That(m.S(3), Is.EqualTo(0x3FC0_0000u));
        Assert.That(m.Fpsr, Is.EqualTo(0u));
    }

    // ---- saturation

    [Test]
    public void SaturatingArithmeticSetsTheCumulativeQcFlag()
    {
        using var m = new FpMachine();
        m.SetV(1, 0x7F);
        m.SetV(2, 0x01);
        m.Run("sqadd b0, b1, b2");
        Assert.That(m.Lo(0), Is.EqualTo(0x7FUL));
        Assert.That(m.Fpsr, Is.EqualTo(QC));
        m.Fpsr = 0;
        m.Run("uqadd b0, b1, b2");
        Assert.That(m.Lo(0), Is.EqualTo(0x80UL));
        Assert.That(m.Fpsr, Is.EqualTo(0u));
        m.SetV(3, 0x8000);
        m.Run("sqdmulh h0, h3, h3");
        Assert.That(m.Lo(0), Is.EqualTo(0x7FFFUL));
        Assert.That(m.Fpsr, Is.EqualTo(QC));
    }

    [Test]
    public void SaturatingNarrowAndRoundingShiftsSaturateByElement()
    {
        using var m = new FpMachine();
        m.SetV(1, 0x0000_0100_FFFF_FF00, 0x0000_007F_FFFF_FF80);
        m.Run("sqxtn v0.4h, v1.4s");
        Assert.That(m.Lo(0), Is.EqualTo(0x007F_FF80_0100_FF00UL));
        Assert.That(m.Hi(0), Is.EqualTo(0UL));
        Assert.That(m.Fpsr, Is.EqualTo(0u));
        m.SetV(2, 0x0000_8000_0000_0001);
        m.Run("sqxtn v0.4h, v2.4s");
        Assert.That(m.Fpsr, Is.EqualTo(QC));
    }

    // ---- vector forms keep the Arm element order

    [Test]
    public void PairwiseAddTakesAdjacentPairsOfTheConcatenation()
    {
        using var m = new FpMachine();
        m.SetV(1, 0x0004_0003_0002_0001, 0x0008_0007_0006_0005);
        m.SetV(2, 0x0040_0030_0020_0010, 0x0080_0070_0060_0050);
        m.Run("addp v0.8h, v1.8h, v2.8h");
        Assert.That(m.Lo(0), Is.EqualTo(0x000F_000B_0007_0003UL));
        Assert.That(m.Hi(0), Is.EqualTo(0x00F0_00B0_0070_0030UL));
    }

    [Test]
    public void FloatingPointAcrossLanesReducesPairwiseInATree()
    {
        using var m = new FpMachine();
        m.SetV(1, 0x7FC0_0001_3F80_0000, 0x7F80_0002_4000_0000);   // 1.0, qNaN(1), 2.0, sNaN(2)
        m.Run("fmaxv s0, v1.4s");
        // max(max(1, qNaN1), max(2, sNaN2)) = max(qNaN1, qNaN2 after IOC) = qNaN1
        Assert.That(m.S(0), Is.EqualTo(0x7FC0_0001u));
        Assert.That(m.Fpsr, Is.EqualTo(IOC));
    }
}

/// <summary>Register 31 in FP/SIMD instructions: XZR/WZR for general-register operands, SP as a structure base.</summary>
public unsafe class FpRegister31Tests
{
    [Test]
    public void GeneralRegisterOperand31ReadsAsZeroAndDiscardsWrites()
    {
        using var m = new FpMachine();
        m.SetV(0, ulong.MaxValue, ulong.MaxValue);
        m.SetV(1, ulong.MaxValue, ulong.MaxValue);
        m.SetV(2, ulong.MaxValue, ulong.MaxValue);
        m.SetV(3, 0x4000_0000);
        Assert.That(m.Run("fmov s0, wzr\n scvtf d1, xzr\n dup v2.4s, wzr\n fcvtzs wzr, s3\n umov wzr, v3.s[0]"), Is.True);
        Assert.That((m.Lo(0), m.Hi(0)), Is.EqualTo((0UL, 0UL)));
        Assert.That((m.Lo(1), m.Hi(1)), Is.EqualTo((0UL, 0UL)));
        Assert.That((m.Lo(2), m.Hi(2)), Is.EqualTo((0UL, 0UL)));
        Assert.That(m.Cpu.GetX(31), Is.EqualTo(0UL));
    }

    [Test]
    public void InsertFromZeroRegisterClearsOnlyThatLane()
    {
        using var m = new FpMachine();
        m.SetV(0, ulong.MaxValue, ulong.MaxValue);
        m.Run("ins v0.h[5], wzr");
        Assert.That(m.Hi(0), Is.EqualTo(0xFFFF_FFFF_0000_FFFFUL));
        Assert.That(m.Lo(0), Is.EqualTo(ulong.MaxValue));
    }

    [Test]
    public void StructureStoreWithSpBaseWritesBackToSp()
    {
        using var m = new FpMachine();
        ulong sp = m.Cpu.Sp;
        m.SetV(4, 0x0706_0504_0302_0100, 0x0F0E_0D0C_0B0A_0908);
        m.Run("st1 {v4.2d}, [sp], #16\n ld1r {v5.4s}, [sp]");
        Assert.That(m.Cpu.Sp, Is.EqualTo(sp + 16));
        var buf = new byte[16];
        m.H.Bus.TryReadBytes(sp, buf);
        Assert.That(buf[0], Is.EqualTo(0));
        Assert.That(buf[15], Is.EqualTo(15));
    }

    [Test]
    public void AStructureLoadFromAMisalignedSpTakesTheSpAlignmentFault()
    {
        using var m = new FpMachine();
        m.Cpu.S.SCTLR[1] |= 1UL << 3;   // SA
        m.Cpu.Sp -= 8;
        m.H.Bus.Load(FastArm.Tests.Support.CpuHarness.CodeBase, FastArm.Tests.Support.CrossTools.Assemble("ld1 {v0.16b}, [sp]"));
        m.Cpu.Pc = FastArm.Tests.Support.CpuHarness.CodeBase;
        m.Cpu.Step();
        Assert.That(m.Cpu.S.ESR[1] >> 26, Is.EqualTo(0x26UL));
    }
}
