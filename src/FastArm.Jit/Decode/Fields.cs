// Field names keep the Arm ARM's spelling so that a table row can be read against its encoding diagram.
#pragma warning disable IDE1006
namespace FastArm.Jit.Decode;

/// <summary>Every field name a pattern in the A64 table may use. A pattern naming anything else fails at start-up.</summary>
public enum FieldId : byte
{
    Rd,
    Rn,
    Rm,
    Ra,
    Rt,
    Rt2,
    Rs,
    sf,
    op,
    S,
    sh,
    shift,
    N,
    immr,
    imms,
    hw,
    option,
    imm3,
    cond,
    nzcv,
    opc,
    size,
    o0,
    o1,
    o2,
    o3,
    L,
    Q,
    V,
    b5,
    b40,
    CRn,
    CRm,
    op0,
    op1,
    op2,
    A,
    R,
    U,
    M,
    opt,
    rmode,
    type,
    ftype,
    scale,
    imm5,
    imm4,
    imm6,
    imm7,
    imm8,
    imm9,
    imm12,
    imm14,
    imm16,
    imm19,
    imm26,
    immlo,
    immhi,
    immh,
    immb,
    cmode,
    a,
    b,
    c,
    d,
    e,
    f,
    g,
    h,
    len,
    opcode,
    sz,
    rot,
    op3,
    op4,
    Z,
    P,
    Rs2,
    H,
    Lbit,
    Count
}

/// <summary>
/// The named fields of one decoded instruction word: the word and its table row's field layout, each field extracted
/// when read. 16 bytes, so pre-decoded code stays small (a unit holds one per instruction). A field the row's pattern
/// does not name reads as 0.
/// </summary>
public readonly unsafe struct Fields
{
    public readonly uint Raw;
    /// <summary>The row's index in <see cref="A64Table.All"/>, or -1 (no row: UNDEFINED, or a row outside the table).</summary>
    public readonly int RowIndex;
    /// <summary>Per <see cref="FieldId"/>: shift in the low 32 bits, mask in the high 32 (0 for fields the row lacks).</summary>
    private readonly ulong* _layout;

    internal Fields(uint raw, int rowIndex, ulong* layout)
    {
        Raw = raw;
        RowIndex = rowIndex;
        _layout = layout;
    }

    public uint this[FieldId id]
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get
        {
            ulong e = _layout[(int)id];
            return (Raw >> (int)e) & (uint)(e >> 32);
        }
    }

    public uint Rd => this[FieldId.Rd];
    public uint Rn => this[FieldId.Rn];
    public uint Rm => this[FieldId.Rm];
    public uint Ra => this[FieldId.Ra];
    public uint Rt => this[FieldId.Rt];
    public uint Rt2 => this[FieldId.Rt2];
    public uint Rs => this[FieldId.Rs];
    public uint sf => this[FieldId.sf];
    public uint op => this[FieldId.op];
    public uint S => this[FieldId.S];
    public uint sh => this[FieldId.sh];
    public uint shift => this[FieldId.shift];
    public uint N => this[FieldId.N];
    public uint immr => this[FieldId.immr];
    public uint imms => this[FieldId.imms];
    public uint hw => this[FieldId.hw];
    public uint option => this[FieldId.option];
    public uint imm3 => this[FieldId.imm3];
    public uint cond => this[FieldId.cond];
    public uint nzcv => this[FieldId.nzcv];
    public uint opc => this[FieldId.opc];
    public uint size => this[FieldId.size];
    public uint o0 => this[FieldId.o0];
    public uint o1 => this[FieldId.o1];
    public uint o2 => this[FieldId.o2];
    public uint o3 => this[FieldId.o3];
    public uint L => this[FieldId.L];
    public uint Q => this[FieldId.Q];
    public uint V => this[FieldId.V];
    public uint b5 => this[FieldId.b5];
    public uint b40 => this[FieldId.b40];
    public uint CRn => this[FieldId.CRn];
    public uint CRm => this[FieldId.CRm];
    public uint op0 => this[FieldId.op0];
    public uint op1 => this[FieldId.op1];
    public uint op2 => this[FieldId.op2];
    public uint A => this[FieldId.A];
    public uint R => this[FieldId.R];
    public uint U => this[FieldId.U];
    public uint M => this[FieldId.M];
    public uint opt => this[FieldId.opt];
    public uint rmode => this[FieldId.rmode];
    public uint type => this[FieldId.type];
    public uint ftype => this[FieldId.ftype];
    public uint scale => this[FieldId.scale];
    public uint imm5 => this[FieldId.imm5];
    public uint imm4 => this[FieldId.imm4];
    public uint imm6 => this[FieldId.imm6];
    public uint imm7 => this[FieldId.imm7];
    public uint imm8 => this[FieldId.imm8];
    public uint imm9 => this[FieldId.imm9];
    public uint imm12 => this[FieldId.imm12];
    public uint imm14 => this[FieldId.imm14];
    public uint imm16 => this[FieldId.imm16];
    public uint imm19 => this[FieldId.imm19];
    public uint imm26 => this[FieldId.imm26];
    public uint immlo => this[FieldId.immlo];
    public uint immhi => this[FieldId.immhi];
    public uint immh => this[FieldId.immh];
    public uint immb => this[FieldId.immb];
    public uint cmode => this[FieldId.cmode];
    public uint a => this[FieldId.a];
    public uint b => this[FieldId.b];
    public uint c => this[FieldId.c];
    public uint d => this[FieldId.d];
    public uint e => this[FieldId.e];
    public uint f => this[FieldId.f];
    public uint g => this[FieldId.g];
    public uint h => this[FieldId.h];
    public uint len => this[FieldId.len];
    public uint opcode => this[FieldId.opcode];
    public uint sz => this[FieldId.sz];
    public uint rot => this[FieldId.rot];
    public uint op3 => this[FieldId.op3];
    public uint op4 => this[FieldId.op4];
    public uint Z => this[FieldId.Z];
    public uint P => this[FieldId.P];
    public uint Rs2 => this[FieldId.Rs2];
    public uint H => this[FieldId.H];
    public uint Lbit => this[FieldId.Lbit];
}
