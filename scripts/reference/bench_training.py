"""PyTorch eager (2 threads) counterpart of `EmberBench training`: the same pipeline sizes
(Benchmarks/training-pipelines.json), the same training step (forward, loss, backward,
clip_grad_norm_ at 1, AdamW), batches of 8 of the sample set's first 40 transcripts with frames
and voices of the decoded shapes. transformers' ViT, CLIP, Wav2Vec2 and BERT modules, composed as
Ember composes its extensions (docs/MODELS.md): the Fusion model's attention fusion, CLIP's voice
tower, UNITER's region and audio tokens. SpecAugment is off (mask_time_prob=0): Ember has none.

    python bench_training.py ROOT PIPELINE [PASSES]
"""
import json
import math
import resource
import sys
import time

import torch
import torch.nn.functional as F
import transformers as T
from torch import nn

torch.set_num_threads(2)
torch.manual_seed(0)
VOICE_SAMPLES = 3 * 16000  # 3 s of voice at 16 kHz, as decoded


def wav2vec2(cfg):
    return T.Wav2Vec2Model(T.Wav2Vec2Config(**cfg, mask_time_prob=0.0))


def clip_loss(logits):
    target = torch.arange(logits.shape[0])
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target)) / 2


class Fusion(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.vision = T.ViTModel(T.ViTConfig(**c["vision"]), add_pooling_layer=False)
        self.audio = wav2vec2(c["audio"])
        self.concat = c.get("fusion", "concat") == "concat"
        self.dropout = nn.Dropout(0.1)
        if self.concat:
            self.classifier = nn.Linear(c["vision"]["hidden_size"] + c["audio"]["hidden_size"], c["num_labels"])
            return
        width, heads = c["fusion_hidden_size"], c["fusion_heads"]
        self.vision_proj = nn.Linear(c["vision"]["hidden_size"], width)
        self.audio_proj = nn.Linear(c["audio"]["hidden_size"], width)
        self.vision_to_audio = nn.MultiheadAttention(width, heads, batch_first=True)
        self.audio_to_vision = nn.MultiheadAttention(width, heads, batch_first=True)
        self.vision_norm, self.audio_norm = nn.LayerNorm(width), nn.LayerNorm(width)
        self.classifier = nn.Linear(2 * width, c["num_labels"])

    def forward(self, pixel_values, input_values, attention_mask, labels):
        b, t = pixel_values.shape[:2]
        v = self.vision(pixel_values.flatten(0, 1)).last_hidden_state[:, 0].view(b, t, -1)
        a = self.audio(input_values, attention_mask=attention_mask).last_hidden_state
        if self.concat:  # the class token averaged over frames beside the voice's mean
            logits = self.classifier(self.dropout(torch.cat([v.mean(1), a.mean(1)], 1)))
            return F.cross_entropy(logits, labels)
        v, a = self.vision_proj(v), self.audio_proj(a)
        v_pooled, a_pooled = v.mean(1, keepdim=True), a.mean(1, keepdim=True)
        v_fused = self.vision_norm(v_pooled + self.vision_to_audio(v_pooled, a, a, need_weights=False)[0])
        a_fused = self.audio_norm(a_pooled + self.audio_to_vision(a_pooled, v, v, need_weights=False)[0])
        logits = self.classifier(self.dropout(torch.cat([v_fused, a_fused], 2).squeeze(1)))
        return F.cross_entropy(logits, labels)


class ClipWithVoice(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.clip = T.CLIPModel(T.CLIPConfig(text_config=c["text_config"], vision_config=c["vision_config"],
                                             projection_dim=c["projection_dim"]))
        self.audio = wav2vec2(c["audio_config"])
        self.audio_projection = nn.Linear(c["audio_config"]["hidden_size"], c["projection_dim"], bias=False)
        self.audio_logit_scale = nn.Parameter(torch.tensor(self.clip.config.logit_scale_init_value))

    def forward(self, input_ids, attention_mask, pixel_values, input_values, audio_attention_mask):
        b, t = pixel_values.shape[:2]
        clip = self.clip
        image = clip.visual_projection(clip.vision_model(pixel_values=pixel_values.flatten(0, 1)).pooler_output)
        image = F.normalize(image.view(b, t, -1).mean(1), dim=-1)
        text = F.normalize(clip.text_projection(
            clip.text_model(input_ids=input_ids, attention_mask=attention_mask).pooler_output), dim=-1)
        voice = self.audio(input_values, attention_mask=audio_attention_mask).last_hidden_state.mean(1)
        voice = F.normalize(self.audio_projection(voice), dim=-1)
        return (clip_loss(clip.logit_scale.exp() * image @ text.t())
                + clip_loss(self.audio_logit_scale.exp() * image @ voice.t())) / 2


class Uniter(nn.Module):
    def __init__(self, c):
        super().__init__()
        bert_fields = {k: v for k, v in c.items() if k not in ("model_type", "num_labels", "img_dim", "audio_config")}
        self.bert = T.BertModel(T.BertConfig(**bert_fields))
        d, eps = c["hidden_size"], c["layer_norm_eps"]
        self.img_linear, self.img_norm = nn.Linear(c["img_dim"], d), nn.LayerNorm(d, eps=eps)
        self.pos_linear, self.pos_norm = nn.Linear(7, d), nn.LayerNorm(d, eps=eps)
        self.img_out_norm = nn.LayerNorm(d, eps=eps)
        self.audio = wav2vec2(c["audio_config"])
        self.audio_linear = nn.Linear(c["audio_config"]["hidden_size"], d)
        self.audio_norm, self.audio_out_norm = nn.LayerNorm(d, eps=eps), nn.LayerNorm(d, eps=eps)
        self.audio_type = nn.Parameter(torch.zeros(d))
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.LayerNorm(2 * d, eps=eps),
                                  nn.Linear(2 * d, c["num_labels"]))

    def forward(self, input_ids, attention_mask, token_type_ids, img_feat, img_pos_feat, input_values,
                audio_attention_mask, labels):
        emb = self.bert.embeddings
        words = emb(input_ids=input_ids, token_type_ids=token_type_ids)
        region_type = emb.token_type_embeddings(torch.ones(img_feat.shape[:2], dtype=torch.long))
        regions = self.img_out_norm(self.img_norm(self.img_linear(img_feat))
                                    + self.pos_norm(self.pos_linear(img_pos_feat)) + region_type)
        voice = self.audio(input_values, attention_mask=audio_attention_mask).last_hidden_state
        voice = self.audio_out_norm(self.audio_norm(self.audio_linear(voice)) + self.audio_type)
        tokens = torch.cat([words, self.dropout(regions), self.dropout(voice)], 1)
        mask = torch.cat([attention_mask, torch.ones(tokens.shape[0], tokens.shape[1] - attention_mask.shape[1],
                                                     dtype=attention_mask.dtype)], 1)
        additive = (1.0 - mask[:, None, None, :].float()) * -10000.0
        hidden = self.bert.encoder(tokens, attention_mask=additive).last_hidden_state
        return F.cross_entropy(self.head(self.bert.pooler(hidden)), labels)


def batches(root, p):
    texts = [json.loads(line)["text"] for line in open(f"{root}/examples/data/manifest.jsonl")][:40]
    tok = None
    if "tokenizer" in p:
        folder = f"{root}/{p['tokenizer']}"
        tok = T.CLIPTokenizer.from_pretrained(folder) if "clip" in p["tokenizer"] else T.BertTokenizer.from_pretrained(folder)
    b, frames, size = p["batch"], p["frames"], p["size"]
    for start in range(0, len(texts), b):
        inputs = {"input_values": torch.randn(b, VOICE_SAMPLES)}
        mask = torch.ones(b, VOICE_SAMPLES, dtype=torch.long)
        pixels = torch.randn(b, frames, 3, size, size)
        if tok is not None:
            words = tok(texts[start:start + b], padding="longest", return_tensors="pt")
            inputs.update({k: v for k, v in words.items()})
            inputs["audio_attention_mask"] = mask
        else:
            inputs["attention_mask"] = mask
        if "patch" in p:
            patch, n = p["patch"], size // p["patch"]
            inputs["img_feat"] = pixels.view(b, frames, 3, n, patch, n, patch).permute(0, 1, 3, 5, 2, 4, 6) \
                .reshape(b, frames * n * n, 3 * patch * patch)
            boxes = [[c / n, r / n, (c + 1) / n, (r + 1) / n, 1 / n, 1 / n, 1 / n ** 2]
                     for _ in range(frames) for r in range(n) for c in range(n)]
            inputs["img_pos_feat"] = torch.tensor(boxes).expand(b, -1, -1)
        else:
            inputs["pixel_values"] = pixels
        if "num_labels" in p["model"]:
            inputs["labels"] = torch.randint(0, p["model"]["num_labels"], (b,))
        yield inputs


def main():
    root, name = sys.argv[1], sys.argv[2]
    passes = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    p = json.load(open(f"{root}/Benchmarks/training-pipelines.json"))[name]
    model = {"quickstart": Fusion, "fusion": Fusion, "clip": ClipWithVoice, "uniter": Uniter}[name](p["model"]).train()
    data = list(batches(root, p))
    opt = torch.optim.AdamW(model.parameters(), lr=p["lr"], weight_decay=p["weight_decay"])

    def one_pass():
        for inputs in data:
            opt.zero_grad(set_to_none=True)
            model(**inputs).backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()

    one_pass()
    cpu0, t0 = time.process_time(), time.perf_counter()
    for _ in range(passes):
        one_pass()
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    samples = passes * sum(len(d["input_values"]) for d in data)
    params = sum(t.numel() for t in model.parameters())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
    print(f"bench-training: torch {torch.__version__} {name} ({params} parameters): {samples} samples in {wall:.2f} s "
          f"(CPU {cpu:.2f} s) = {samples / wall:.1f} samples/s, max RSS {rss} MB ({torch.get_num_threads()} threads)")


if __name__ == "__main__":
    main()
