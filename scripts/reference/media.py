"""Media reference fixtures: small media files in several containers, codecs, sizes and rates,
and what PyAV, soundfile, scipy and Hugging Face's PIL-backend processors make of them.

Run through `scripts/make-reference media`. Media files are created with the ffmpeg CLI only when
missing, so re-running keeps the committed bytes; the reference outputs are always rewritten.
Outputs (Tests/Fixtures/media/):
  *.mp4/*.webm/*.mkv/*.mov, *.wav/*.flac/*.ogg   the media
  <name>.video.safetensors   PyAV: every frame's time, RGB24 frames at a few indices (native size)
  <name>.audio.safetensors   soundfile (libsndfile files) or PyAV (container tracks): [C, N] float32
  resample.safetensors       scipy.signal.resample_poly of float32.wav to 22.05 kHz, int16.wav to 16 kHz
  image_processors.safetensors, feature_extractor.safetensors   transformers 5 (PIL backend)
  manifest.json              what each fixture holds, for the Swift tests
"""
import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import soundfile as sf
from safetensors.numpy import save_file

try:
    from scipy.signal import resample_poly
except ImportError:  # the reference venv of scripts/make-reference does not list scipy itself
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "scipy"], check=True)
    from scipy.signal import resample_poly

ROOT = Path(os.environ.get("EMBER_ROOT", Path(__file__).resolve().parents[2]))
OUT = ROOT / "Tests" / "Fixtures" / "media"
OUT.mkdir(parents=True, exist_ok=True)


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


# name: (ffmpeg arguments producing it, what it exercises)
VIDEOS = {
    "h264_bframes.mp4": (
        ["-f", "lavfi", "-i", "testsrc2=s=128x96:r=30:d=2",
         "-f", "lavfi", "-i", "aevalsrc=0.5*sin(2*PI*440*t)|0.3*sin(2*PI*660*t):s=44100:d=2",
         "-c:v", "libx264", "-preset", "medium", "-crf", "30", "-bf", "3", "-g", "15",
         "-pix_fmt", "yuv420p", "-threads", "1", "-c:a", "aac", "-b:a", "48k"],
        "H.264 with B-frames, keyframe every 15 frames, AAC stereo 44.1 kHz"),
    "vp9.webm": (
        ["-f", "lavfi", "-i", "testsrc2=s=96x64:r=25:d=2",
         "-c:v", "libvpx-vp9", "-b:v", "80k", "-g", "10", "-threads", "1", "-pix_fmt", "yuv420p"],
        "VP9 in WebM, keyframe every 10 frames"),
    "mjpeg.mkv": (
        ["-f", "lavfi", "-i", "testsrc2=s=80x60:r=10:d=1",
         "-f", "lavfi", "-i", "aevalsrc=0.4*sin(2*PI*300*t):s=16000:d=1",
         "-c:v", "mjpeg", "-q:v", "5", "-pix_fmt", "yuvj420p", "-c:a", "pcm_s16le"],
        "Motion JPEG (full-range YUV) in Matroska, PCM 16 kHz mono"),
    "bt709.mov": (
        ["-f", "lavfi", "-i", "testsrc2=s=160x90:r=24:d=1",
         "-f", "lavfi", "-i", "aevalsrc=0.3*sin(2*PI*500*t)|0.2*sin(2*PI*250*t):s=22050:d=1",
         "-vf", "scale=out_color_matrix=bt709", "-c:v", "libx264", "-crf", "28", "-threads", "1",
         "-pix_fmt", "yuv420p", "-colorspace", "bt709", "-color_primaries", "bt709",
         "-color_trc", "bt709", "-c:a", "pcm_s16le"],
        "H.264 tagged BT.709 in QuickTime, PCM 22.05 kHz stereo"),
    "odd_97x61.mp4": (
        ["-f", "lavfi", "-i", "testsrc2=s=97x61:r=15:d=1",
         "-c:v", "libx264", "-crf", "28", "-pix_fmt", "yuv444p", "-threads", "1"],
        "odd frame size, H.264 4:4:4"),
    "vfr.mkv": (
        ["-f", "lavfi", "-i", "testsrc2=s=112x64:r=30:d=2",
         "-vf", "select='lt(n,20)+not(mod(n,3))',setpts='if(lt(N,20),N/30,20/30+(N-20)/10)/TB'",
         "-fps_mode", "passthrough", "-c:v", "libx264", "-crf", "30", "-threads", "1",
         "-pix_fmt", "yuv420p"],
        "variable frame rate: 30 fps for 20 frames, then 10 fps"),
}

# Media used only against Ember's own full decode (no PyAV reference): AVI stores no
# presentation times, so frame times are FFmpeg's best-effort guesses, which PyAV does not report.
OWN_DECODE_ONLY = {
    "h264_bframes.avi": (
        ["-f", "lavfi", "-i", "testsrc2=s=64x48:r=30:d=2",
         "-c:v", "libx264", "-bf", "3", "-g", "15", "-pix_fmt", "yuv420p", "-threads", "1"],
        "H.264 with B-frames in AVI, whose index holds decode times: a seek can land late"),
}

# name: (channels, rate, seconds, soundfile subtype or None for the format's default)
AUDIO = {
    "int16.wav": (2, 44100, 0.25, "PCM_16"),
    "float32.wav": (1, 16000, 0.5, "FLOAT"),
    "u8.wav": (1, 8000, 0.5, "PCM_U8"),
    "pcm24.flac": (2, 48000, 0.2, "PCM_24"),
    "vorbis.ogg": (1, 22050, 0.5, "VORBIS"),
}


def make_media():
    for name, (args, _) in {**VIDEOS, **OWN_DECODE_ONLY}.items():
        if not (OUT / name).exists():
            ffmpeg(*args, str(OUT / name))
    rng = np.random.default_rng(5)
    for name, (channels, rate, seconds, subtype) in AUDIO.items():
        if (OUT / name).exists():
            continue
        t = np.arange(int(rate * seconds)) / rate
        # A chirp per channel plus a little noise: broadband, so resampling errors show.
        x = np.stack([0.5 * np.sin(2 * np.pi * (200 * (c + 1) + 1500 * t) * t) for c in range(channels)], 1)
        x += 0.05 * rng.standard_normal(x.shape)
        sf.write(OUT / name, x.astype(np.float32), rate, subtype=subtype)


def video_reference(name):
    with av.open(str(OUT / name)) as container:
        stream = container.streams.video[0]
        frames = [(f.time, f.to_ndarray(format="rgb24")) for f in container.decode(stream)]
        info = {"width": stream.codec_context.width, "height": stream.codec_context.height,
                "codec": stream.codec_context.name,
                "fps": float(stream.average_rate) if stream.average_rate else None,
                "frames": len(frames)}
    times = np.array([t for t, _ in frames], dtype=np.float64)
    # A few frames spread over the clip (first, a middle one or two, last), not all: size.
    picks = sorted({0, len(frames) // 3, (2 * len(frames)) // 3 + 1, len(frames) - 1})
    save_file({"times": times, "indices": np.array(picks, dtype=np.int64),
               "frames": np.stack([frames[i][1] for i in picks]).astype(np.uint8)},
              str(OUT / f"{name}.video.safetensors"))
    return info


def container_audio(name):
    """The audio track as float32 [C, N] at its own rate, decoded by PyAV (FFmpeg)."""
    with av.open(str(OUT / name)) as container:
        stream = container.streams.audio[0]
        rate, layout = stream.codec_context.sample_rate, stream.codec_context.layout
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        chunks = [f.to_ndarray() for frame in container.decode(stream) for f in resampler.resample(frame)]
        chunks += [f.to_ndarray() for f in resampler.resample(None)]
    return np.concatenate(chunks, axis=1).astype(np.float32), rate


def audio_references(manifest):
    for name in AUDIO:
        data, rate = sf.read(OUT / name, dtype="float32", always_2d=True)
        # A time range as soundfile takes it: sample offsets floor(seconds × rate).
        start, stop = int(np.floor(0.05 * rate)), int(np.floor(0.15 * rate))
        part, _ = sf.read(OUT / name, start=start, stop=stop, dtype="float32", always_2d=True)
        save_file({"samples": np.ascontiguousarray(data.T), "range": np.ascontiguousarray(part.T)},
                  str(OUT / f"{name}.audio.safetensors"))
        manifest[name] = {"rate": rate, "channels": data.shape[1], "count": data.shape[0],
                          "range": [0.05, 0.15]}
    for name in ["h264_bframes.mp4", "mjpeg.mkv", "bt709.mov"]:
        samples, rate = container_audio(name)
        # The first half second is plenty for a comparison and keeps the fixture small.
        save_file({"samples": np.ascontiguousarray(samples[:, : rate // 2])},
                  str(OUT / f"{name}.audio.safetensors"))
        manifest[name]["audio"] = {"rate": rate, "channels": samples.shape[0], "count": samples.shape[1]}
    refs = {}
    for name, target in [("float32.wav", 22050), ("int16.wav", 16000)]:
        data, rate = sf.read(OUT / name, dtype="float32", always_2d=True)
        ratio = Fraction(target, rate)
        refs[name] = resample_poly(data.astype(np.float64), ratio.numerator, ratio.denominator,
                                   axis=0).T.astype(np.float32).copy()
    save_file(refs, str(OUT / "resample.safetensors"))


def test_images():
    """Frames from the fixtures plus a larger synthetic picture, so both up- and downscaling run."""
    images = {}
    with av.open(str(OUT / "bt709.mov")) as c:
        images["frame_160x90"] = next(c.decode(video=0)).to_ndarray(format="rgb24")
    with av.open(str(OUT / "odd_97x61.mp4")) as c:
        images["frame_97x61"] = next(c.decode(video=0)).to_ndarray(format="rgb24")
    y, x = np.mgrid[0:250, 0:333]
    picture = np.stack([(x * 255 / 332), (y * 255 / 249), 128 + 127 * np.sin(x / 7.0) * np.cos(y / 5.0)], -1)
    picture[(x // 20 + y // 20) % 2 == 0] *= 0.5  # hard edges: ringing of bicubic shows
    images["picture_333x250"] = picture.round().clip(0, 255).astype(np.uint8)
    return images


def processor_references(manifest):
    from transformers import CLIPImageProcessorPil, ViTImageProcessorPil

    processors = {
        "clip": CLIPImageProcessorPil(size={"shortest_edge": 56}, crop_size={"height": 48, "width": 48}),
        "vit": ViTImageProcessorPil(size={"height": 40, "width": 52}),
        "clip224": CLIPImageProcessorPil(),
    }
    out = {}
    for image_name, image in test_images().items():
        out[f"input/{image_name}"] = image
        for proc_name, proc in processors.items():
            if proc_name == "clip224" and image_name != "picture_333x250":
                continue  # one full-size CLIP case is enough; its output is 600 KB
            pixel_values = proc(images=image, return_tensors="np")["pixel_values"][0]
            out[f"{proc_name}/{image_name}"] = pixel_values.astype(np.float32)
    save_file(out, str(OUT / "image_processors.safetensors"))
    manifest["image_processors"] = {
        "clip": {"shortest_edge": 56, "crop": [48, 48], "resample": "bicubic", "normalize": "clip"},
        "vit": {"size": [40, 52], "resample": "bilinear", "mean": 0.5, "std": 0.5},
        "clip224": {"shortest_edge": 224, "crop": [224, 224]},
    }


def feature_extractor_references():
    from transformers import Wav2Vec2FeatureExtractor

    rng = np.random.default_rng(7)
    a = (0.3 * rng.standard_normal(1000) + 0.1).astype(np.float32)
    b = (0.8 * rng.standard_normal(700) - 0.2).astype(np.float32)
    out = {"input/a": a, "input/b": b}
    for mask in (True, False):
        fe = Wav2Vec2FeatureExtractor(return_attention_mask=mask)
        r = fe([a, b], sampling_rate=16000, padding="longest", return_tensors="np")
        out[f"mask{int(mask)}/input_values"] = r["input_values"].astype(np.float32)
        if mask:
            out["mask1/attention_mask"] = r["attention_mask"].astype(np.int64)
        single = fe(a, sampling_rate=16000, return_tensors="np")
        out[f"mask{int(mask)}/single"] = single["input_values"][0].astype(np.float32)
    save_file(out, str(OUT / "feature_extractor.safetensors"))


def main():
    make_media()
    manifest = {}
    for name in VIDEOS:
        manifest[name] = video_reference(name)
    audio_references(manifest)
    processor_references(manifest)
    feature_extractor_references()
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"media fixtures: {len(list(OUT.iterdir()))} files, {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
