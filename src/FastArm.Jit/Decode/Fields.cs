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
/// The named fields of one decoded instruction word, extracted by the positions its table row gives.
/// Only the fields of the row's own pattern are meaningful; the others hold whatever was there.
/// </summary>
public unsafe struct Fields
{
    public uint Raw;
    private fixed uint _v[(int)FieldId.Count];

    internal void Set(FieldId id, uint value) => _v[(int)id] = value;
    public readonly uint this[FieldId id] => _v[(int)id];

    public readonly uint Rd => _v[(int)FieldId.Rd];
    public readonly uint Rn => _v[(int)FieldId.Rn];
    public readonly uint Rm => _v[(int)FieldId.Rm];
    public readonly uint Ra => _v[(int)FieldId.Ra];
    public readonly uint Rt => _v[(int)FieldId.Rt];
    public readonly uint Rt2 => _v[(int)FieldId.Rt2];
    public readonly uint Rs => _v[(int)FieldId.Rs];
    public readonly uint sf => _v[(int)FieldId.sf];
    public readonly uint op => _v[(int)FieldId.op];
    public readonly uint S => _v[(int)FieldId.S];
    public readonly uint sh => _v[(int)FieldId.sh];
    public readonly uint shift => _v[(int)FieldId.shift];
    public readonly uint N => _v[(int)FieldId.N];
    public readonly uint immr => _v[(int)FieldId.immr];
    public readonly uint imms => _v[(int)FieldId.imms];
    public readonly uint hw => _v[(int)FieldId.hw];
    public readonly uint option => _v[(int)FieldId.option];
    public readonly uint imm3 => _v[(int)FieldId.imm3];
    public readonly uint cond => _v[(int)FieldId.cond];
    public readonly uint nzcv => _v[(int)FieldId.nzcv];
    public readonly uint opc => _v[(int)FieldId.opc];
    public readonly uint size => _v[(int)FieldId.size];
    public readonly uint o0 => _v[(int)FieldId.o0];
    public readonly uint o1 => _v[(int)FieldId.o1];
    public readonly uint o2 => _v[(int)FieldId.o2];
    public readonly uint o3 => _v[(int)FieldId.o3];
    public readonly uint L => _v[(int)FieldId.L];
    public readonly uint Q => _v[(int)FieldId.Q];
    public readonly uint V => _v[(int)FieldId.V];
    public readonly uint b5 => _v[(int)FieldId.b5];
    public readonly uint b40 => _v[(int)FieldId.b40];
    public readonly uint CRn => _v[(int)FieldId.CRn];
    public readonly uint CRm => _v[(int)FieldId.CRm];
    public readonly uint op0 => _v[(int)FieldId.op0];
    public readonly uint op1 => _v[(int)FieldId.op1];
    public readonly uint op2 => _v[(int)FieldId.op2];
    public readonly uint A => _v[(int)FieldId.A];
    public readonly uint R => _v[(int)FieldId.R];
    public readonly uint U => _v[(int)FieldId.U];
    public readonly uint M => _v[(int)FieldId.M];
    public readonly uint opt => _v[(int)FieldId.opt];
    public readonly uint rmode => _v[(int)FieldId.rmode];
    public readonly uint type => _v[(int)FieldId.type];
    public readonly uint ftype => _v[(int)FieldId.ftype];
    public readonly uint scale => _v[(int)FieldId.scale];
    public readonly uint imm5 => _v[(int)FieldId.imm5];
    public readonly uint imm4 => _v[(int)FieldId.imm4];
    public readonly uint imm6 => _v[(int)FieldId.imm6];
    public readonly uint imm7 => _v[(int)FieldId.imm7];
    public readonly uint imm8 => _v[(int)FieldId.imm8];
    public readonly uint imm9 => _v[(int)FieldId.imm9];
    public readonly uint imm12 => _v[(int)FieldId.imm12];
    public readonly uint imm14 => _v[(int)FieldId.imm14];
    public readonly uint imm16 => _v[(int)FieldId.imm16];
    public readonly uint imm19 => _v[(int)FieldId.imm19];
    public readonly uint imm26 => _v[(int)FieldId.imm26];
    public readonly uint immlo => _v[(int)FieldId.immlo];
    public readonly uint immhi => _v[(int)FieldId.immhi];
    public readonly uint immh => _v[(int)FieldId.immh];
    public readonly uint immb => _v[(int)FieldId.immb];
    public readonly uint cmode => _v[(int)FieldId.cmode];
    public readonly uint a => _v[(int)FieldId.a];
    public readonly uint b => _v[(int)FieldId.b];
    public readonly uint c => _v[(int)FieldId.c];
    public readonly uint d => _v[(int)FieldId.d];
    public readonly uint e => _v[(int)FieldId.e];
    public readonly uint f => _v[(int)FieldId.f];
    public readonly uint g => _v[(int)FieldId.g];
    public readonly uint h => _v[(int)FieldId.h];
    public readonly uint len => _v[(int)FieldId.len];
    public readonly uint opcode => _v[(int)FieldId.opcode];
    public readonly uint sz => _v[(int)FieldId.sz];
    public readonly uint rot => _v[(int)FieldId.rot];
    public readonly uint op3 => _v[(int)FieldId.op3];
    public readonly uint op4 => _v[(int)FieldId.op4];
    public readonly uint Z => _v[(int)FieldId.Z];
    public readonly uint P => _v[(int)FieldId.P];
    public readonly uint Rs2 => _v[(int)FieldId.Rs2];
    public readonly uint H => _v[(int)FieldId.H];
    public readonly uint Lbit => _v[(int)FieldId.Lbit];
}
