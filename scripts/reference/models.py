"""Reference fixtures for the Models target, made with Hugging Face transformers.

Run through `scripts/make-reference models`.
"""
import json
import os

import torch
from safetensors.torch import load_file, save_file
from transformers import Wav2Vec2Config, Wav2Vec2ForCTC, Wav2Vec2ForSequenceClassification

ROOT = os.environ["EMBER_ROOT"]
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "models")


# ---------------------------------------------------------------------------------------------
# Wav2Vec2 parity cases (Tests/ModelsTests/Wav2Vec2*): Tests/Fixtures/models/wav2vec2/<case>/
#   config.json, model.safetensors   save_pretrained of a tiny random model
#   model-legacy.safetensors         (group-ctc only) the same weights under the old weight_norm
#                                    names weight_g/weight_v, without the wav2vec2. prefix
#   inputs.safetensors               input_values [2, 400], attention_mask (400 and 300 real
#                                    samples), labels (CTC: [2, 5] padded with -100; cls: [2])
#   outputs.safetensors              with the mask: extract_features, last_hidden_state, logits,
#                                    loss; without it: nomask.last_hidden_state, nomask.logits
#   grads.safetensors                d loss / d parameter after one backward (eval mode: no
#                                    dropout, no SpecAugment), by parameter name
# ---------------------------------------------------------------------------------------------

WAV2VEC2_CASES = {
    # Base style: GroupNorm on the first conv, post-norm encoder, no conv bias, even K (trimmed),
    # masked_spec_embed present (mask_time_prob > 0), CTC reduction "mean".
    "group-ctc": dict(
        head="ctc", feat_extract_norm="group", do_stable_layer_norm=False, conv_bias=False,
        num_conv_pos_embeddings=8, num_conv_pos_embedding_groups=4, layer_norm_eps=1e-4,
        ctc_loss_reduction="mean", vocab_size=12, pad_token_id=0),
    # Large/stable style: LayerNorm on every conv, pre-norm with a final LN, conv bias, odd K,
    # a large layer_norm_eps (the conv norms must keep 1e-5), no masked_spec_embed, "sum".
    "layer-ctc": dict(
        head="ctc", feat_extract_norm="layer", do_stable_layer_norm=True, conv_bias=True,
        num_conv_pos_embeddings=7, num_conv_pos_embedding_groups=2, layer_norm_eps=0.3,
        mask_time_prob=0.0, ctc_loss_reduction="sum", vocab_size=12, pad_token_id=0),
    "group-cls": dict(
        head="cls", feat_extract_norm="group", do_stable_layer_norm=False, conv_bias=False,
        num_conv_pos_embeddings=8, num_conv_pos_embedding_groups=4, num_labels=3, classifier_proj_size=12),
    # Weighted layer sum in the stable variant: hidden_states[-1] is taken before the final LN.
    "layer-cls-weighted": dict(
        head="cls", feat_extract_norm="layer", do_stable_layer_norm=True, conv_bias=True,
        num_conv_pos_embeddings=6, num_conv_pos_embedding_groups=2, num_labels=4, classifier_proj_size=10,
        use_weighted_layer_sum=True),
}


def wav2vec2_fixtures():
    for case, spec in WAV2VEC2_CASES.items():
        spec = dict(spec)
        head = spec.pop("head")
        torch.manual_seed(sum(map(ord, case)))
        config = Wav2Vec2Config(
            hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=48,
            conv_dim=(16, 16, 16), conv_stride=(5, 2, 2), conv_kernel=(10, 3, 3), **spec)
        model = (Wav2Vec2ForCTC if head == "ctc" else Wav2Vec2ForSequenceClassification)(config).eval()
        # Random norms and biases (the init makes them 1 and 0), so every parameter matters.
        with torch.no_grad():
            for name, p in model.named_parameters():
                if "norm" in name or name.endswith("bias") or "layer_weights" in name:
                    p.add_(0.2 * torch.randn_like(p))
        out_dir = os.path.join(FIXTURES, "wav2vec2", case)
        model.save_pretrained(out_dir)

        values = torch.randn(2, 400)
        values[1, 300:] = 0
        mask = torch.ones(2, 400, dtype=torch.long)
        mask[1, 300:] = 0
        if head == "ctc":
            labels = torch.tensor([[4, 5, 5, 6, 7], [8, 9, -100, -100, -100]])
        else:
            labels = torch.tensor([2, 0])
        save_file({"input_values": values, "attention_mask": mask, "labels": labels},
                  os.path.join(out_dir, "inputs.safetensors"))

        # Load back from the files, so the references describe exactly the committed weights.
        model = type(model).from_pretrained(out_dir).eval()
        result = model(values, attention_mask=mask, labels=labels)
        base = model.wav2vec2(values, attention_mask=mask)
        result.loss.backward()
        grads = {name: p.grad.contiguous() for name, p in model.named_parameters() if p.grad is not None}
        with torch.no_grad():
            plain = model(values)
            plain_base = model.wav2vec2(values)
        outputs = {
            "extract_features": base.extract_features, "last_hidden_state": base.last_hidden_state,
            "logits": result.logits, "loss": result.loss,
            "nomask.extract_features": plain_base.extract_features,
            "nomask.last_hidden_state": plain_base.last_hidden_state, "nomask.logits": plain.logits,
        }
        save_file({k: v.detach().contiguous() for k, v in outputs.items()}, os.path.join(out_dir, "outputs.safetensors"))
        save_file(grads, os.path.join(out_dir, "grads.safetensors"))

        if case == "group-ctc":
            write_legacy_weight_norm(out_dir, model, values, mask)
        print(f"wav2vec2/{case}: loss {result.loss.item():.6f}, {len(grads)} gradients")
    write_frame_masks()


def write_frame_masks():
    """Valid frames per item from an attention mask, including too-short items (Python indexing)."""
    model = Wav2Vec2ForCTC.from_pretrained(os.path.join(FIXTURES, "wav2vec2", "group-ctc"))
    lengths = [400, 399, 395, 300, 50, 14, 10, 9, 1, 0]
    mask = torch.zeros(len(lengths), 400, dtype=torch.long)
    for i, n in enumerate(lengths):
        mask[i, :n] = 1
    frames = model.wav2vec2._get_feat_extract_output_lengths(400)
    valid = model.wav2vec2._get_feature_vector_attention_mask(frames, mask)
    default = Wav2Vec2ForCTC(Wav2Vec2Config(num_hidden_layers=0, hidden_size=16, num_attention_heads=1,
                                            num_conv_pos_embedding_groups=1))
    seconds = [400, 401, 719, 720, 16000, 48000]
    with open(os.path.join(FIXTURES, "wav2vec2", "frame-masks.json"), "w") as f:
        json.dump({"case": "group-ctc", "padded_samples": 400, "frames": int(frames), "sample_lengths": lengths,
                   "valid_frames": valid.sum(-1).tolist(),
                   "frame_masks": valid.long().tolist(),
                   "default_config_samples": seconds,
                   "default_config_frames": [int(default._get_feat_extract_output_lengths(n)) for n in seconds]},
                  f, indent=1)


def write_legacy_weight_norm(out_dir, model, values, mask):
    """The same weights under torch's old weight_norm names and without the base prefix, as old hub files."""
    tensors = load_file(os.path.join(out_dir, "model.safetensors"))
    legacy = {}
    for key, t in tensors.items():
        key = key.replace("parametrizations.weight.original0", "weight_g").replace("parametrizations.weight.original1", "weight_v")
        legacy[key.removeprefix("wav2vec2.")] = t
    path = os.path.join(out_dir, "model-legacy.safetensors")
    save_file(legacy, path, metadata={"format": "pt"})
    # transformers loads the legacy file to the same model.
    check_dir = os.path.join(out_dir, "..", ".legacy-check")
    os.makedirs(check_dir, exist_ok=True)
    with open(os.path.join(out_dir, "config.json")) as f:
        json.dump(json.load(f), open(os.path.join(check_dir, "config.json"), "w"))
    save_file(legacy, os.path.join(check_dir, "model.safetensors"), metadata={"format": "pt"})
    again = type(model).from_pretrained(check_dir).eval()
    with torch.no_grad():
        assert torch.equal(again(values, attention_mask=mask).logits, model(values, attention_mask=mask).logits)
    for name in os.listdir(check_dir):
        os.remove(os.path.join(check_dir, name))
    os.rmdir(check_dir)


if __name__ == "__main__":
    wav2vec2_fixtures()
