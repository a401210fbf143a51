// SPDX-License-Identifier: GPL-3.0-or-later
//
// A V4L2 capture device in user space, for the camera driver's streaming test
// (drivers/camera/tests/v4l2_stream.rs). Loaded with LD_PRELOAD, it answers the libc calls the
// driver makes on one path (FAKE_V4L2_PATH): open, ioctl, mmap, poll, munmap, close, with the
// semantics of the kernel's V4L2 API (Documentation/userspace-api/media/v4l), the structures and
// request codes taken from the kernel's own <linux/videodev2.h>, not from the driver. Every call
// on the device is written, one line each, to FAKE_V4L2_LOG, for the test to check the order.
//
// Configuration (environment):
//   FAKE_V4L2_FORMATS  the formats offered, in order, e.g. "YUYV,MJPG" (default "YUYV")
//   FAKE_V4L2_JPEG     a file whose bytes are every MJPG/JPEG picture
//   FAKE_V4L2_YUYV_FPS the fastest frame rate YUYV keeps (default 30); MJPG keeps 30
//   FAKE_V4L2_PAD      bytes of padding after each raw row (bytesperline > width x bpp)
//   FAKE_V4L2_FAULT    "unplug:N" (after N pictures, ENODEV and POLLERR, as an unplugged
//                      camera), "damaged" (every buffer flagged V4L2_BUF_FLAG_ERROR), "stall"
//                      (no picture ever comes), "busy" (S_FMT answers EBUSY)
//
// Frame sizes: YUYV and MJPG 640x480 and 320x240 (320x240 when no more is asked, else
// 640x480), at 30 and 15 fps (YUYV's fastest FAKE_V4L2_YUYV_FPS); GREY any size from 160x120 to
// 640x480 in steps of 16x8 (granted 640x480), at 1 to 30 fps; other formats list no sizes. Time passes at each poll: every buffer queued by
// then is filled (a camera faster than its reader), in the order queued, each with the next
// sequence number s, and becomes ready for VIDIOC_DQBUF. Raw pictures are uniform grey,
// Y = 16 + 8 x (s mod 25), with U = V = 128 for YUYV; row padding is 0xEE.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define WIDTH 640
#define HEIGHT 480
#define MAX_BUFFERS 8
#define MAX_FORMATS 8

static int fake_fd = -1;
static int streaming = 0;
static int unplugged = 0;
static unsigned sequence = 0;
static __u32 formats[MAX_FORMATS];
static int n_formats = 0;
static struct v4l2_pix_format pix;
static struct v4l2_fract timeperframe = {1, 30};
static unsigned n_buffers = 0;
static size_t buffer_size = 0;
static void *mapped[MAX_BUFFERS];
// Buffers given to the "driver" to fill, in the order given; then filled, ready to dequeue.
static __u32 queued[MAX_BUFFERS];
static unsigned n_queued = 0;
static __u32 done[MAX_BUFFERS];
static unsigned n_done = 0;
static unsigned buffer_sequence[MAX_BUFFERS];
static __u32 buffer_used[MAX_BUFFERS];

static void say(const char *fmt, ...) {
    const char *path = getenv("FAKE_V4L2_LOG");
    if (!path) return;
    FILE *f = fopen(path, "a");
    if (!f) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fclose(f);
}

static int fault(const char *what) {
    const char *f = getenv("FAKE_V4L2_FAULT");
    return f && strncmp(f, what, strlen(what)) == 0;
}

static __u32 fourcc(const char *s) {
    return v4l2_fourcc(s[0], s[1], s[2], s[3]);
}

static void name(__u32 f, char out[5]) {
    for (int i = 0; i < 4; i++) out[i] = (char)((f >> (8 * i)) & 0xff);
    out[4] = 0;
}

static int is_raw(__u32 f) {
    return f == V4L2_PIX_FMT_YUYV || f == V4L2_PIX_FMT_GREY;
}

static int is_fake(const char *path) {
    const char *want = getenv("FAKE_V4L2_PATH");
    return path && want && strcmp(path, want) == 0;
}

static void load_formats(void) {
    const char *list = getenv("FAKE_V4L2_FORMATS");
    if (!list) list = "YUYV";
    n_formats = 0;
    for (const char *p = list; *p && n_formats < MAX_FORMATS;) {
        if (strlen(p) < 4) break;
        formats[n_formats++] = fourcc(p);
        p += 4;
        if (*p == ',') p++;
    }
}

static int open_fake(const char *path) {
    int (*real_open)(const char *, int, ...) = dlsym(RTLD_NEXT, "open");
    int fd = real_open("/dev/null", O_RDWR);
    if (fd < 0) return fd;
    fake_fd = fd;
    streaming = unplugged = 0;
    sequence = n_buffers = n_queued = n_done = 0;
    load_formats();
    memset(&pix, 0, sizeof pix);
    say("open %s", path);
    return fd;
}

// The mode argument, present only when `flags` create a file.
#define MODE_ARG(flags, mode)                                                  \
    mode_t mode = 0;                                                           \
    if ((flags) & (O_CREAT | O_TMPFILE)) {                                     \
        va_list ap;                                                            \
        va_start(ap, flags);                                                   \
        mode = va_arg(ap, mode_t);                                             \
        va_end(ap);                                                            \
    }

#define OPEN_WRAPPER(fn)                                                       \
    int fn(const char *path, int flags, ...) {                                 \
        MODE_ARG(flags, mode)                                                  \
        if (is_fake(path)) return open_fake(path);                             \
        int (*real)(const char *, int, ...) = dlsym(RTLD_NEXT, #fn);           \
        return real(path, flags, mode);                                        \
    }
OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)

#define OPENAT_WRAPPER(fn)                                                     \
    int fn(int dir, const char *path, int flags, ...) {                        \
        MODE_ARG(flags, mode)                                                  \
        if (is_fake(path)) return open_fake(path);                             \
        int (*real)(int, const char *, int, ...) = dlsym(RTLD_NEXT, #fn);      \
        return real(dir, path, flags, mode);                                   \
    }
OPENAT_WRAPPER(openat)
OPENAT_WRAPPER(openat64)

// Fills buffer `index` with picture number `sequence`; returns the bytes used.
static __u32 fill(__u32 index, unsigned sequence) {
    unsigned char *p = mapped[index];
    if (!p) return 0;
    if (pix.pixelformat == V4L2_PIX_FMT_MJPEG || pix.pixelformat == V4L2_PIX_FMT_JPEG) {
        const char *path = getenv("FAKE_V4L2_JPEG");
        FILE *f = path ? fopen(path, "rb") : NULL;
        if (!f) return 0;
        size_t n = fread(p, 1, buffer_size, f);
        fclose(f);
        return (__u32)n;
    }
    unsigned char y = (unsigned char)(16 + 8 * (sequence % 25));
    for (__u32 row = 0; row < pix.height; row++) {
        unsigned char *r = p + (size_t)row * pix.bytesperline;
        memset(r, 0xEE, pix.bytesperline); // padding: not to be read as picture
        if (pix.pixelformat == V4L2_PIX_FMT_GREY) {
            memset(r, y, pix.width);
        } else {
            for (__u32 x = 0; x < pix.width * 2; x += 2) {
                r[x] = y;
                r[x + 1] = 128;
            }
        }
    }
    return pix.sizeimage;
}

static int fail(int e) {
    errno = e;
    return -1;
}

static int fake_ioctl(unsigned long request, void *arg) {
    char n[5];
    switch (request) {
    case VIDIOC_QUERYCAP: {
        struct v4l2_capability *c = arg;
        memset(c, 0, sizeof *c);
        strcpy((char *)c->driver, "fake_v4l2");
        strcpy((char *)c->card, "Fake Camera");
        strcpy((char *)c->bus_info, "platform:fake");
        c->version = 0x060100;
        c->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
        c->capabilities = c->device_caps | V4L2_CAP_DEVICE_CAPS;
        say("QUERYCAP");
        return 0;
    }
    case VIDIOC_ENUM_FMT: {
        struct v4l2_fmtdesc *d = arg;
        say("ENUM_FMT %u", d->index);
        if (d->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || d->index >= (__u32)n_formats)
            return fail(EINVAL);
        d->pixelformat = formats[d->index];
        d->flags = is_raw(d->pixelformat) ? 0 : V4L2_FMT_FLAG_COMPRESSED;
        name(d->pixelformat, n);
        snprintf((char *)d->description, sizeof d->description, "fake %s", n);
        return 0;
    }
    case VIDIOC_ENUM_FRAMESIZES: {
        struct v4l2_frmsizeenum *e = arg;
        name(e->pixel_format, n);
        say("ENUM_FRAMESIZES %s %u", n, e->index);
        if (e->pixel_format == V4L2_PIX_FMT_GREY) {
            if (e->index > 0) return fail(EINVAL);
            e->type = V4L2_FRMSIZE_TYPE_STEPWISE;
            e->stepwise = (struct v4l2_frmsize_stepwise){160, 640, 16, 120, 480, 8};
            return 0;
        }
        if ((e->pixel_format != V4L2_PIX_FMT_YUYV && e->pixel_format != V4L2_PIX_FMT_MJPEG) ||
            e->index > 1)
            return fail(EINVAL);
        e->type = V4L2_FRMSIZE_TYPE_DISCRETE;
        e->discrete.width = e->index == 0 ? 640 : 320;
        e->discrete.height = e->index == 0 ? 480 : 240;
        return 0;
    }
    case VIDIOC_ENUM_FRAMEINTERVALS: {
        struct v4l2_frmivalenum *e = arg;
        name(e->pixel_format, n);
        say("ENUM_FRAMEINTERVALS %s %ux%u %u", n, e->width, e->height, e->index);
        if (e->pixel_format == V4L2_PIX_FMT_GREY) {
            if (e->index > 0) return fail(EINVAL);
            e->type = V4L2_FRMIVAL_TYPE_CONTINUOUS;
            e->stepwise.min = (struct v4l2_fract){1, 30};
            e->stepwise.max = (struct v4l2_fract){1, 1};
            e->stepwise.step = (struct v4l2_fract){1, 1};
            return 0;
        }
        const char *yuyv = getenv("FAKE_V4L2_YUYV_FPS");
        unsigned fastest = e->pixel_format == V4L2_PIX_FMT_YUYV && yuyv ? (unsigned)atoi(yuyv) : 30;
        if (e->index > 1 || (e->index == 1 && fastest <= 15)) return fail(EINVAL);
        e->type = V4L2_FRMIVAL_TYPE_DISCRETE;
        e->discrete = (struct v4l2_fract){1, e->index == 0 ? fastest : 15};
        return 0;
    }
    case VIDIOC_S_FMT: {
        struct v4l2_format *f = arg;
        if (f->type != V4L2_BUF_TYPE_VIDEO_CAPTURE) return fail(EINVAL);
        if (fault("busy")) {
            say("S_FMT busy");
            return fail(EBUSY);
        }
        if (streaming || n_buffers) return fail(EBUSY);
        __u32 want = f->fmt.pix.pixelformat;
        __u32 asked_width = f->fmt.pix.width, asked_height = f->fmt.pix.height;
        int offered = 0;
        for (int i = 0; i < n_formats; i++) offered |= formats[i] == want;
        // As drivers do: an unknown format becomes the first one offered.
        pix.pixelformat = offered ? want : formats[0];
        int small = asked_width <= 320 && asked_height <= 240 &&
                    pix.pixelformat != V4L2_PIX_FMT_GREY;
        pix.width = small ? 320 : WIDTH;
        pix.height = small ? 240 : HEIGHT;
        pix.field = V4L2_FIELD_NONE;
        pix.colorspace = V4L2_COLORSPACE_SRGB;
        const char *pad = getenv("FAKE_V4L2_PAD");
        __u32 bpp = pix.pixelformat == V4L2_PIX_FMT_YUYV ? 2 : 1;
        if (is_raw(pix.pixelformat)) {
            pix.bytesperline = pix.width * bpp + (pad ? (__u32)atoi(pad) : 0);
            pix.sizeimage = pix.bytesperline * pix.height;
        } else {
            pix.bytesperline = 0;
            pix.sizeimage = pix.width * pix.height * 2;
        }
        f->fmt.pix = pix;
        name(pix.pixelformat, n);
        say("S_FMT %s %ux%u asked %ux%u", n, pix.width, pix.height, asked_width, asked_height);
        return 0;
    }
    case VIDIOC_G_PARM:
    case VIDIOC_S_PARM: {
        struct v4l2_streamparm *p = arg;
        if (p->type != V4L2_BUF_TYPE_VIDEO_CAPTURE) return fail(EINVAL);
        unsigned max_fps = 30;
        const char *yuyv = getenv("FAKE_V4L2_YUYV_FPS");
        if (pix.pixelformat == V4L2_PIX_FMT_YUYV && yuyv) max_fps = (unsigned)atoi(yuyv);
        if (request == VIDIOC_S_PARM) {
            struct v4l2_fract t = p->parm.capture.timeperframe;
            // The fastest the mode keeps, or slower if asked.
            if (t.numerator == 0 || t.denominator == 0 ||
                (double)t.denominator / t.numerator > max_fps) {
                t.numerator = 1;
                t.denominator = max_fps;
            }
            timeperframe = t;
        } else {
            timeperframe.numerator = 1;
            timeperframe.denominator = max_fps;
        }
        memset(&p->parm.capture, 0, sizeof p->parm.capture);
        p->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
        p->parm.capture.timeperframe = timeperframe;
        say("%s %u/%u", request == VIDIOC_S_PARM ? "S_PARM" : "G_PARM", timeperframe.numerator,
            timeperframe.denominator);
        return 0;
    }
    case VIDIOC_REQBUFS: {
        struct v4l2_requestbuffers *r = arg;
        if (r->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || r->memory != V4L2_MEMORY_MMAP)
            return fail(EINVAL);
        say("REQBUFS %u", r->count);
        if (streaming) return fail(EBUSY);
        // The driver may grant more than asked (vivid wants at least 2; some want 3).
        n_buffers = r->count > MAX_BUFFERS ? MAX_BUFFERS : r->count;
        buffer_size = pix.sizeimage;
        r->count = n_buffers;
        return 0;
    }
    case VIDIOC_QUERYBUF: {
        struct v4l2_buffer *b = arg;
        if (b->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || b->index >= n_buffers) return fail(EINVAL);
        b->length = (__u32)buffer_size;
        // Page-aligned offsets, one buffer after another, as videobuf2 gives them.
        b->m.offset = b->index * (__u32)((buffer_size + 4095) / 4096 * 4096);
        say("QUERYBUF %u offset %u length %u", b->index, b->m.offset, b->length);
        return 0;
    }
    case VIDIOC_QBUF: {
        struct v4l2_buffer *b = arg;
        if (unplugged) return fail(ENODEV);
        if (b->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || b->index >= n_buffers) return fail(EINVAL);
        for (unsigned i = 0; i < n_queued; i++)
            if (queued[i] == b->index) return fail(EINVAL); // already queued
        for (unsigned i = 0; i < n_done; i++)
            if (done[i] == b->index) return fail(EINVAL);
        queued[n_queued++] = b->index;
        say("QBUF %u", b->index);
        return 0;
    }
    case VIDIOC_DQBUF: {
        struct v4l2_buffer *b = arg;
        if (unplugged) return fail(ENODEV);
        if (b->type != V4L2_BUF_TYPE_VIDEO_CAPTURE) return fail(EINVAL);
        if (!streaming || n_done == 0) return fail(EAGAIN);
        __u32 index = done[0];
        memmove(done, done + 1, (n_done - 1) * sizeof done[0]);
        n_done--;
        memset(b, 0, sizeof *b);
        b->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        b->memory = V4L2_MEMORY_MMAP;
        b->index = index;
        b->sequence = buffer_sequence[index];
        b->field = V4L2_FIELD_NONE;
        b->length = (__u32)buffer_size;
        b->bytesused = buffer_used[index];
        b->flags = V4L2_BUF_FLAG_MAPPED | V4L2_BUF_FLAG_DONE;
        if (fault("damaged")) b->flags |= V4L2_BUF_FLAG_ERROR;
        say("DQBUF %u sequence %u", index, b->sequence);
        return 0;
    }
    case VIDIOC_STREAMON:
    case VIDIOC_STREAMOFF: {
        int on = request == VIDIOC_STREAMON;
        say(on ? "STREAMON" : "STREAMOFF");
        if (unplugged) return fail(ENODEV);
        if (*(int *)arg != V4L2_BUF_TYPE_VIDEO_CAPTURE) return fail(EINVAL);
        if (on && n_buffers == 0) return fail(EINVAL);
        streaming = on;
        if (!on) n_queued = n_done = 0; // STREAMOFF takes every buffer back
        return 0;
    }
    default:
        say("unknown ioctl %#lx", request);
        return fail(ENOTTY);
    }
}

int ioctl(int fd, unsigned long request, ...) {
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (fd >= 0 && fd == fake_fd) return fake_ioctl(request, arg);
    int (*real)(int, unsigned long, ...) = dlsym(RTLD_NEXT, "ioctl");
    return real(fd, request, arg);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset) {
    void *(*real)(void *, size_t, int, int, int, off_t) = dlsym(RTLD_NEXT, "mmap");
    if (fd < 0 || fd != fake_fd) return real(addr, len, prot, flags, fd, offset);
    size_t stride = (buffer_size + 4095) / 4096 * 4096;
    if (stride == 0 || offset % stride != 0 || len != buffer_size ||
        (size_t)offset / stride >= n_buffers || !(flags & MAP_SHARED)) {
        say("mmap refused offset %ld length %zu", (long)offset, len);
        errno = EINVAL;
        return MAP_FAILED;
    }
    size_t index = (size_t)offset / stride;
    void *p = real(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return p;
    mapped[index] = p;
    say("mmap %zu", index);
    return p;
}

int munmap(void *addr, size_t len) {
    int (*real)(void *, size_t) = dlsym(RTLD_NEXT, "munmap");
    for (unsigned i = 0; i < MAX_BUFFERS; i++) {
        if (mapped[i] && mapped[i] == addr) {
            mapped[i] = NULL;
            say("munmap %u", i);
        }
    }
    return real(addr, len);
}

int poll(struct pollfd *fds, nfds_t n, int timeout) {
    int (*real)(struct pollfd *, nfds_t, int) = dlsym(RTLD_NEXT, "poll");
    if (n != 1 || fds[0].fd < 0 || fds[0].fd != fake_fd) return real(fds, n, timeout);
    fds[0].revents = 0;
    const char *f = getenv("FAKE_V4L2_FAULT");
    if (!unplugged && f && strncmp(f, "unplug:", 7) == 0 && sequence >= (unsigned)atoi(f + 7)) {
        unplugged = 1;
        say("unplugged");
    }
    if (unplugged) {
        fds[0].revents = POLLERR | POLLHUP;
        return 1;
    }
    // A frame period passes: the camera fills every buffer it was given.
    if (streaming && !fault("stall")) {
        for (unsigned i = 0; i < n_queued; i++) {
            __u32 index = queued[i];
            buffer_sequence[index] = sequence;
            buffer_used[index] = fill(index, sequence);
            sequence++;
            done[n_done++] = index;
        }
        n_queued = 0;
    }
    if (n_done > 0) {
        fds[0].revents = POLLIN | POLLRDNORM;
        return 1;
    }
    say("poll timed out after %d ms (not waited)", timeout);
    return 0; // as if `timeout` passed with no picture
}

int close(int fd) {
    int (*real)(int) = dlsym(RTLD_NEXT, "close");
    if (fd >= 0 && fd == fake_fd) {
        say("close");
        fake_fd = -1;
        streaming = 0;
        n_buffers = n_queued = n_done = 0;
    }
    return real(fd);
}
