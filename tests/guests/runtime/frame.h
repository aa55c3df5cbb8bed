/* The register frame the exception vectors (crt0.S) build on SP_EL1; struct exc_frame in runtime.h matches. */
#ifndef FRAME_H
#define FRAME_H
#define FRAME_ELR     248
#define FRAME_SPSR    256
#define FRAME_SP_EL0  264
#define FRAME_ESR     272
#define FRAME_FAR     280
#define FRAME_SIZE    288
#endif
