#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/channel_layout.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>

// Function-like macros do not import into Swift; these expose the few values Media needs.
static inline int ember_averror_eof(void) { return AVERROR_EOF; }
static inline int ember_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int ember_averror_enomem(void) { return AVERROR(ENOMEM); }
static inline int64_t ember_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline int ember_thread_frame_and_slice(void) { return FF_THREAD_FRAME | FF_THREAD_SLICE; }
