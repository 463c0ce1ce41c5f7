"""The PyTorch side of `easel bench`: times what Easel times, on the same diffusers folder, in fp32 on the CPU.

    python Benchmarks/torch_bench.py MODEL_FOLDER WIDTH HEIGHT REPEATS THREADS

Prints one JSON object: seconds (best of REPEATS) for `text_encoding` (prompt and negative prompt, batch 1 each, as
`encode_prompt`), `unet_step` (one guided UNet call, batch 2, at the latent size) and `vae_decode` (batch 1).
"""
import json
import sys
import time

import torch
from diffusers import AutoencoderKL, UNet2DConditionModel
from transformers import CLIPTextModel, CLIPTokenizer


def best(repeats, run):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main(folder, width, height, repeats, threads):
    torch.set_num_threads(threads)
    tokenizer = CLIPTokenizer.from_pretrained(folder, subfolder="tokenizer")
    text_encoder = CLIPTextModel.from_pretrained(folder, subfolder="text_encoder").eval()
    unet = UNet2DConditionModel.from_pretrained(folder, subfolder="unet").eval()
    vae = AutoencoderKL.from_pretrained(folder, subfolder="vae").eval()
    prompt, negative = "a photograph of an astronaut riding a horse", "blurry, low quality"
    factor = 2 ** (len(vae.config.block_out_channels) - 1)
    latents = torch.randn(2, unet.config.in_channels, height // factor, width // factor)
    context = torch.randn(2, 77, text_encoder.config.hidden_size)
    with torch.inference_mode():
        def encode():
            for text in (prompt, negative):
                ids = tokenizer(text, padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
                text_encoder(ids)
        results = {
            "text_encoding": best(repeats, encode),
            "unet_step": best(repeats, lambda: unet(latents, 500, encoder_hidden_states=context)),
            "vae_decode": best(repeats, lambda: vae.decode(latents[:1])),
            "threads": threads,
            "torch": torch.__version__,
        }
    print(json.dumps(results))


if __name__ == "__main__":
    if len(sys.argv) != 6:
        raise SystemExit(__doc__)
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
