// Declarations only: libopenblas is opened at run time with dlopen (TensorCore/BLAS.swift),
// after the kernel type has been chosen, because OpenBLAS reads OPENBLAS_CORETYPE when it loads.
#include <cblas.h>
