"""ViT fixtures: ViTModel (two configs) and ViTForImageClassification (with gradients)."""
import torch
from transformers import ViTConfig, ViTForImageClassification, ViTModel

from models_common import MODELS, check_reload, hf_grads, hidden_states, perturb, save_case, seeded


def run_model(m, x):
    out = m(pixel_values=x, output_hidden_states=True)
    return {"last_hidden_state": out.last_hidden_state, "pooler_output": out.pooler_output,
            **hidden_states("hidden_states", out.hidden_states)}


def make():
    g = seeded(100)
    config = ViTConfig(image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                       intermediate_size=48, layer_norm_eps=1e-6, attn_implementation="eager")
    m = perturb(ViTModel(config), 101).eval()
    x = torch.randn(2, 3, 32, 32, generator=g)
    with torch.no_grad():
        out = run_model(m, x)
    save_case("vit-model", m, {"pixel_values": x}, out,
              "ViTModel with pooler: image 32, patch 8 (16 patches + CLS), hidden 32, 2 layers, 4 heads, "
              "intermediate 48, gelu, layer_norm_eps 1e-6. hidden_states.k: [0] embeddings, [k] layer k-1 "
              "output before the final LayerNorm")
    check_reload(ViTModel, f"{MODELS}/vit-model", lambda m: run_model(m, x), out)

    g = seeded(110)
    config = ViTConfig(image_size=24, patch_size=6, hidden_size=24, num_hidden_layers=2, num_attention_heads=3,
                       intermediate_size=40, hidden_act="gelu_new", qkv_bias=False, pooler_output_size=20,
                       pooler_act="relu", layer_norm_eps=1e-5, attn_implementation="eager")
    m = perturb(ViTModel(config), 111).eval()
    x = torch.randn(3, 3, 24, 24, generator=g)
    with torch.no_grad():
        out = run_model(m, x)
    save_case("vit-model-no-qkv-bias", m, {"pixel_values": x}, out,
              "ViTModel: image 24, patch 6, hidden 24, 3 heads, intermediate 40, qkv_bias false (no q/k/v "
              "biases in the file), gelu_new (tanh approximation), pooler_output_size 20 with pooler_act relu")
    check_reload(ViTModel, f"{MODELS}/vit-model-no-qkv-bias", lambda m: run_model(m, x), out)

    g = seeded(120)
    config = ViTConfig(image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                       intermediate_size=48, num_labels=3, attn_implementation="eager",
                       id2label={0: "code", 1: "browser", 2: "terminal"},
                       label2id={"code": 0, "browser": 1, "terminal": 2})
    m = perturb(ViTForImageClassification(config), 121).eval()
    x = torch.randn(2, 3, 32, 32, generator=g)
    labels = torch.tensor([2, 0])

    def run(m):
        out = m(pixel_values=x, labels=labels, output_hidden_states=True)
        return {"logits": out.logits, "loss": out.loss, **hidden_states("hidden_states", out.hidden_states)}

    out = run(m)
    out["loss"].backward()
    grads = hf_grads(m)
    out = {k: v.detach() for k, v in out.items()}
    save_case("vit-classifier", m, {"pixel_values": x, "labels": labels}, out,
              "ViTForImageClassification, num_labels 3 (id2label set), same sizes as vit-model: file keys have "
              "the vit. prefix and no pooler; classifier on the final-LN CLS token; loss = cross-entropy",
              grads=grads, loss="the model's loss (cross-entropy with labels)")
    check_reload(ViTForImageClassification, f"{MODELS}/vit-classifier", run, out)
