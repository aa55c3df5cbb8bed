/*
 * Compiled floating-point, Advanced SIMD and crypto code (built without -mgeneral-regs-only): scalar arithmetic,
 * conversions and rounding under every FPCR rounding mode with FZ and DN, half precision, NEON intrinsics and
 * the crypto extension. Prints hashes of every result bit and the FPSR after each operation, plus a few values,
 * so that any difference from QEMU shows.
 */
#include "runtime.h"
#include <arm_neon.h>

static uint64_t hash = 1469598103934665603ULL;
static void mix(uint64_t v) { for (int i = 0; i < 8; i++) { hash ^= (v >> (8 * i)) & 0xff; hash *= 1099511628211ULL; } }

static inline uint64_t get_fpsr(void) { return READ_SYSREG(fpsr); }
static inline void set_fpsr(uint64_t v) { WRITE_SYSREG(fpsr, v); }
static inline void set_fpcr(uint64_t v) { WRITE_SYSREG(fpcr, v); }

/* Mixes a result and the FPSR flags it raised, then clears them. */
#define TAKE(expr) do { __typeof__(expr) r_ = (expr); uint64_t b_ = 0; memcpy(&b_, &r_, sizeof r_); mix(b_); mix(get_fpsr()); set_fpsr(0); } while (0)

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static const uint64_t dspecial[] = {
    0x0000000000000000, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
    0x7ff8000000000123, 0xfff4000000000456, 0x0000000000000001, 0x800fffffffffffff, 0x0010000000000000,
    0x7fefffffffffffff, 0x3ff0000000000000, 0xbff8000000000000, 0x4004000000000000, 0x41e0000000000000,
    0xc1e0000000200000, 0x43e0000000000000, 0x43f0000000000000, 0x3fe0000000000001, 0x3ca0000000000000,
};
static const uint32_t sspecial[] = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fc00123, 0xff800456, 0x00000001, 0x807fffff,
    0x00800000, 0x7f7fffff, 0x3f800000, 0xbfc00000, 0x40200000, 0x4f000000, 0xcf000001, 0x5f000000, 0x5f800000,
    0x3f000001, 0x33800000,
};

static double dval(int i) { uint64_t b = i < 20 ? dspecial[i] : next(); if (i >= 20 && (b >> 52 & 0x7ff) > 0x7f0) b &= ~(1ULL << 62); double d; memcpy(&d, &b, 8); return d; }
static float sval(int i) { uint32_t b = i < 20 ? sspecial[i] : (uint32_t)next(); float f; memcpy(&f, &b, 4); return f; }

static volatile double vd[64];
static volatile float vf[64];

static void scalar_double(void)
{
    for (int i = 0; i < 28; i++)
        for (int j = 0; j < 28; j++) {
            double a = vd[i], b = vd[j], c = vd[(i + j) % 28];
            TAKE(a + b); TAKE(a - b); TAKE(a * b); TAKE(a / b);
            TAKE(__builtin_fma(a, b, c)); TAKE(__builtin_fma(-a, b, c)); TAKE(-__builtin_fma(a, b, c));
            TAKE(__builtin_fmin(a, b)); TAKE(__builtin_fmax(a, b));
            TAKE(a < b); TAKE(a <= b); TAKE(a == b); TAKE(__builtin_isunordered(a, b));
            TAKE(a > b ? a : b);
        }
    for (int i = 0; i < 64; i++) {
        double a = vd[i];
        TAKE(__builtin_sqrt(a)); TAKE(__builtin_fabs(a)); TAKE(-a);
        TAKE(__builtin_floor(a)); TAKE(__builtin_ceil(a)); TAKE(__builtin_trunc(a)); TAKE(__builtin_round(a));
        TAKE(__builtin_rint(a)); TAKE(__builtin_nearbyint(a));
        TAKE((int32_t)a); TAKE((int64_t)a); TAKE((uint32_t)a); TAKE((uint64_t)a); TAKE((float)a);
        TAKE((double)(int64_t)next()); TAKE((double)(uint64_t)next()); TAKE((float)(int32_t)next()); TAKE((float)(uint64_t)next());
    }
}

static void scalar_single(void)
{
    for (int i = 0; i < 28; i++)
        for (int j = 0; j < 28; j++) {
            float a = vf[i], b = vf[j], c = vf[(i * 3 + j) % 28];
            TAKE(a + b); TAKE(a - b); TAKE(a * b); TAKE(a / b);
            TAKE(__builtin_fmaf(a, b, c)); TAKE(__builtin_fminf(a, b)); TAKE(__builtin_fmaxf(a, b));
            TAKE(a < b); TAKE(a >= b);
        }
    for (int i = 0; i < 64; i++) {
        float a = vf[i];
        TAKE(__builtin_sqrtf(a)); TAKE(__builtin_floorf(a)); TAKE(__builtin_roundf(a)); TAKE(__builtin_rintf(a));
        TAKE((int32_t)a); TAKE((uint64_t)a); TAKE((double)a);
        __fp16 h = (__fp16)a;
        TAKE(h); TAKE((float)h); TAKE((double)h);
    }
}

static void neon(void)
{
    uint8_t buf[256];
    for (int i = 0; i < 256; i++) buf[i] = (uint8_t)next();
    for (int k = 0; k < 40; k++) {
        uint8x16_t a = vld1q_u8(buf + (k * 7 % 200)), b = vld1q_u8(buf + (k * 13 % 200));
        int16x8_t sa = vreinterpretq_s16_u8(a), sb = vreinterpretq_s16_u8(b);
        int32x4_t ia = vreinterpretq_s32_u8(a), ib = vreinterpretq_s32_u8(b);
        float32x4_t fa = vcvtq_f32_s32(ia), fb = vreinterpretq_f32_u8(b);
        float64x2_t da = vreinterpretq_f64_u8(a), db = vcvtq_f64_s64(vreinterpretq_s64_u8(b));
        TAKE(vaddq_u8(a, b)); TAKE(vqaddq_s16(sa, sb)); TAKE(vqsubq_u8(a, b)); TAKE(vhaddq_s16(sa, sb));
        TAKE(vrhaddq_u8(a, b)); TAKE(vabdq_s16(sa, sb)); TAKE(vmulq_s16(sa, sb)); TAKE(vmlaq_s32(ia, ia, ib));
        TAKE(vqdmulhq_s16(sa, sb)); TAKE(vqrdmulhq_s32(ia, ib)); TAKE(vpaddq_u8(a, b)); TAKE(vmaxvq_u8(a));
        TAKE(vaddlvq_s16(sa)); TAKE(vcntq_u8(a)); TAKE(vclzq_s32(ia)); TAKE(vclsq_s16(sa)); TAKE(vrbitq_u8(a));
        TAKE(vrev64q_u8(a)); TAKE(vzip1q_u8(a, b)); TAKE(vuzp2q_s16(sa, sb)); TAKE(vtrn1q_s32(ia, ib));
        TAKE(vextq_u8(a, b, 5)); TAKE(vqtbl1q_u8(a, vandq_u8(b, vdupq_n_u8(31)))); TAKE(vqtbx1q_u8(a, b, a));
        TAKE(vshlq_s16(sa, vreinterpretq_s16_u8(vandq_u8(b, vdupq_n_u8(0x8f))))); TAKE(vqrshlq_u8(a, vreinterpretq_s8_u8(b)));
        TAKE(vrshrq_n_s16(sa, 3)); TAKE(vsraq_n_u8(a, b, 2)); TAKE(vqshrn_n_s32(ia, 7)); TAKE(vqrshrun_n_s16(sa, 4));
        TAKE(vsliq_n_u8(a, b, 3)); TAKE(vsriq_n_u8(a, b, 3)); TAKE(vshll_n_s8(vget_low_s8(vreinterpretq_s8_u8(a)), 8));
        TAKE(vmull_u8(vget_low_u8(a), vget_high_u8(b))); TAKE(vqdmlal_s16(ia, vget_low_s16(sa), vget_high_s16(sb)));
        TAKE(vmovn_s32(ia)); TAKE(vqmovun_s32(ia)); TAKE(vaddhn_s32(ia, ib)); TAKE(vsubw_high_s8(sa, vreinterpretq_s8_u8(b)));
        TAKE(vaddq_f32(fa, fb)); TAKE(vmulq_f32(fa, fb)); TAKE(vfmaq_f32(fa, fa, fb)); TAKE(vdivq_f64(da, db));
        TAKE(vmaxnmq_f32(fa, fb)); TAKE(vminq_f64(da, db)); TAKE(vpaddq_f32(fa, fb)); TAKE(vmaxnmvq_f32(fb));
        TAKE(vrecpeq_f32(fb)); TAKE(vrsqrteq_f32(fa)); TAKE(vrecpsq_f32(fa, fb)); TAKE(vrsqrtsq_f64(da, db));
        TAKE(vrecpeq_u32(vreinterpretq_u32_u8(a))); TAKE(vrsqrteq_u32(vreinterpretq_u32_u8(b)));
        TAKE(vcvtq_s32_f32(fb)); TAKE(vcvtnq_u32_f32(fa)); TAKE(vcvtaq_s64_f64(db)); TAKE(vcvtq_n_f32_s32(ia, 9));
        TAKE(vcvtq_n_s32_f32(fa, 4)); TAKE(vrndmq_f32(fb)); TAKE(vrndxq_f64(db)); TAKE(vcvt_f32_f64(db));
        TAKE(vcvt_f64_f32(vget_low_f32(fb))); TAKE(vcvtx_f32_f64(da)); TAKE(vcageq_f32(fa, fb)); TAKE(vcltzq_f64(da));
        TAKE(vceqq_u8(a, b)); TAKE(vcgtq_s16(sa, sb)); TAKE(vtstq_u8(a, b)); TAKE(vbslq_u8(a, b, vdupq_n_u8(0x5a)));
        TAKE(vmulq_laneq_f32(fa, fb, 3)); TAKE(vmlsq_lane_s16(sa, sb, vget_low_s16(sa), 2)); TAKE(vqdmull_laneq_s32(vget_low_s32(ia), ib, 1));
        TAKE(vdupq_laneq_u8(a, 9)); TAKE(vgetq_lane_s16(sa, 5)); TAKE(vsetq_lane_u32(0x12345678, vreinterpretq_u32_u8(a), 2));
        TAKE(vmovq_n_f32(3.25f)); TAKE(vuqaddq_s8(vreinterpretq_s8_u8(a), b)); TAKE(vsqaddq_u8(a, vreinterpretq_s8_u8(b)));
        TAKE(vpadalq_u8(vreinterpretq_u16_u8(a), b)); TAKE(vabsq_s8(vreinterpretq_s8_u8(a))); TAKE(vqnegq_s16(sa));
    }
    /* structure loads and stores */
    uint8_t out[256];
    for (int k = 0; k < 8; k++) {
        uint8x16x3_t t3 = vld3q_u8(buf + k);
        uint16x8x4_t t4 = vld4q_u16((const uint16_t *)(buf + 2 * k));
        uint32x4x2_t t2 = vld2q_dup_u32((const uint32_t *)(buf + 4 * k));
        TAKE(t3.val[0]); TAKE(t3.val[2]); TAKE(t4.val[1]); TAKE(t4.val[3]); TAKE(t2.val[1]);
        uint8x16x2_t pair = { { t3.val[0], t3.val[1] } };
        uint8x16x2_t l = vld2q_lane_u8(buf + 40 + k, pair, 13);
        TAKE(l.val[0]); TAKE(l.val[1]);
        vst4q_u16((uint16_t *)out, t4);
        vst3q_lane_u8(out + 70, t3, 11);
        for (int i = 0; i < 80; i += 8) { uint64_t w; memcpy(&w, out + i, 8); mix(w); }
    }
}

static void crypto(void)
{
    uint8_t block[16], key[16];
    for (int i = 0; i < 16; i++) { block[i] = (uint8_t)i * 17; key[i] = (uint8_t)(0xa5 ^ i); }
    uint8x16_t s = vld1q_u8(block), k = vld1q_u8(key);
    for (int r = 0; r < 9; r++) s = vaesmcq_u8(vaeseq_u8(s, k));
    s = veorq_u8(vaeseq_u8(s, k), k);
    TAKE(s);
    for (int r = 0; r < 9; r++) s = vaesimcq_u8(vaesdq_u8(s, k));
    TAKE(s);

    /* SHA-256 of "abc" with the SHA256 instructions. */
    static const uint32_t K[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
        0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
        0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
        0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
        0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
        0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };
    uint32_t msg[16] = { 0x61626380 };
    msg[15] = 24;
    uint32x4_t abcd = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a }, efgh = { 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    uint32x4_t w[4];
    for (int i = 0; i < 4; i++) w[i] = vld1q_u32(msg + 4 * i);
    uint32x4_t a0 = abcd, e0 = efgh;
    for (int i = 0; i < 16; i++) {
        if (i >= 4) w[i & 3] = vsha256su1q_u32(vsha256su0q_u32(w[i & 3], w[(i + 1) & 3]), w[(i + 2) & 3], w[(i + 3) & 3]);
        uint32x4_t wk = vaddq_u32(w[i & 3], vld1q_u32(K + 4 * i));
        uint32x4_t t = abcd;
        abcd = vsha256hq_u32(abcd, efgh, wk);
        efgh = vsha256h2q_u32(efgh, t, wk);
    }
    abcd = vaddq_u32(abcd, a0);
    efgh = vaddq_u32(efgh, e0);
    printf("sha256(abc) = %08x%08x...%08x\n", vgetq_lane_u32(abcd, 0), vgetq_lane_u32(abcd, 1), vgetq_lane_u32(efgh, 3));
    TAKE(abcd); TAKE(efgh);

    uint32x4_t h = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
    uint32_t e = 0xc3d2e1f0;
    for (int i = 0; i < 5; i++) {
        uint32x4_t wk = vaddq_u32(w[i & 3], vdupq_n_u32(0x5a827999));
        uint32_t ne = vsha1h_u32(vgetq_lane_u32(h, 0));
        h = i < 2 ? vsha1cq_u32(h, e, wk) : i < 4 ? vsha1pq_u32(h, e, wk) : vsha1mq_u32(h, e, wk);
        e = ne;
        w[i & 3] = vsha1su1q_u32(vsha1su0q_u32(w[i & 3], w[(i + 1) & 3], w[(i + 2) & 3]), w[(i + 3) & 3]);
    }
    TAKE(h); TAKE(e);
    poly128_t p = vmull_p64(0x87654321fedcba98ULL, 0xf0f0f0f00f0f0f0fULL);
    TAKE(p);
    TAKE(vmull_p8(vcreate_p8(0x0123456789abcdefULL), vcreate_p8(0xfedcba9876543210ULL)));
}

int main(void)
{
    for (int i = 0; i < 64; i++) { vd[i] = dval(i); vf[i] = sval(i); }
    static const uint64_t fpcrs[] = { 0, 1u << 22, 2u << 22, 3u << 22, 1u << 24, 1u << 25, 1u << 26, (1u << 24) | (1u << 25) | (2u << 22) };
    for (unsigned m = 0; m < sizeof fpcrs / sizeof fpcrs[0]; m++) {
        set_fpcr(fpcrs[m]);
        set_fpsr(0);
        hash = 1469598103934665603ULL;
        scalar_double();
        printf("fpcr %08lx double %016lx\n", (unsigned long)fpcrs[m], (unsigned long)hash);
        hash = 1469598103934665603ULL;
        scalar_single();
        printf("fpcr %08lx single %016lx\n", (unsigned long)fpcrs[m], (unsigned long)hash);
        hash = 1469598103934665603ULL;
        neon();
        printf("fpcr %08lx neon   %016lx\n", (unsigned long)fpcrs[m], (unsigned long)hash);
    }
    set_fpcr(0);
    hash = 1469598103934665603ULL;
    crypto();
    printf("crypto %016lx\n", (unsigned long)hash);
    volatile double x = 0.1, y = 3.0;
    volatile float f = 1.0f / 3.0f;
    printf("0.1*3 = %016lx  1/3f = %08x  fpsr %lx\n", (unsigned long)*(volatile uint64_t *)&(double){ x * y }, *(volatile uint32_t *)&(float){ f }, (unsigned long)get_fpsr());
    return 0;
}
