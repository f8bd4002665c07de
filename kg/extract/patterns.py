"""Immutable tables of kg's extraction rules: name shapes, context cue words, generic phrases.

Everything here is general knowledge of how ML abstracts name things (never names of particular
papers); components.py turns the tables into matches.
"""
from __future__ import annotations

import re

# --- name shapes -----------------------------------------------------------------------------
#: letters then a digit somewhere, with an upper-case letter: GPT-4, K2-65B, Qwen2.5-7B-Instruct,
#: LLaMA2-70B, T5-XXL, ResNet-50, ViT-L/14, wav2vec2 is caught by the lexicon instead.
MODEL_DIGIT_SHAPE = re.compile(r"^(?=[^\d]*[A-Z])(?=.*\d)[A-Za-z][A-Za-z0-9]*(?:[-./][A-Za-z0-9]+)*[+]?$")
#: a lower-case letter followed by an upper-case one inside a word: ChatGPT, StarCoder, HellaSwag.
CAMEL_SHAPE = re.compile(r"^(?:[A-Z]+[a-z]+[A-Z]|[a-z]+[A-Z]+[a-z]*[A-Z]?)[A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$")
#: all capitals (acronym-like), possibly hyphenated: SELF-ALIGN, MMLU, MT-BENCH.
CAPS_SHAPE = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")
#: a parameter-count size token: 7B, 65b, 1.3B, 8x7B, 410M.
SIZE_TOKEN = re.compile(r"^\d+(?:\.\d+)?(?:x\d+(?:\.\d+)?)?[BMKT]$", re.IGNORECASE)
#: version token after a family name: "Llama 2", "Claude 3", "GPT 4", "v2".
VERSION_TOKEN = re.compile(r"^(?:v?\d+(?:\.\d+)?(?:-[A-Za-z0-9]+)?|[IVX]{1,3})$")
#: variant words that continue a model name: "Llama 2 Chat", "Mistral 7B Instruct".
VARIANT_WORDS = frozenset({"chat", "instruct", "base", "large", "small", "xl", "xxl", "mini", "turbo", "pro",
                           "ultra", "nano", "medium", "tiny", "coder", "code", "math", "vision", "sft",
                           "rlhf", "dpo", "lite", "plus", "max", "flash", "opus", "sonnet", "haiku"})

#: Name-shaped tokens that are not ML entities: hardware, units, years, diseases, common acronyms.
NOT_NAMES = frozenset(t.lower() for t in (
    "COVID-19", "COVID19", "SARS-CoV-2", "A100", "H100", "V100", "P100", "A6000", "RTX", "TPUv4", "TPUv3",
    "TPUv5", "IPv4", "IPv6", "MP3", "MP4", "CO2", "H2O", "O(1)", "O(n)", "Top-1", "Top-5", "L1", "L2", "L0",
    "Q1", "Q2", "Q3", "Q4", "FP16", "FP32", "FP8", "BF16", "INT8", "INT4", "GPT", "LLM", "LLMs", "NLP",
    "AI", "ML", "DL", "RL", "API", "APIs", "GPU", "GPUs", "TPU", "TPUs", "CPU", "CPUs", "USA", "US", "UK",
    "EU", "PhD", "SOTA", "IoT", "URL", "HTML", "JSON", "SQL", "PDF", "OCR", "LaTeX", "GitHub", "arXiv",
    "PyPI", "YouTube", "iPhone", "macOS", "iOS", "OpenAI", "DeepMind", "Meta", "Google", "Microsoft",
    "Anthropic", "NVIDIA", "Nvidia", "HuggingFace", "Hugging Face", "AGI", "MLLM", "MLLMs", "VLM",
    "VLMs", "LM", "LMs", "PLM", "PLMs", "SLM", "SLMs", "NN", "DNN", "DNNs", "ANN", "ANNs", "IT", "AR",
    "VR", "XR", "FAQ", "TL;DR", "KPI", "ROI", "HPC", "CUDA", "ID", "IDs", "OOD", "IID", "i.i.d.", "SoTA",
    "LLM-based", "E2E", "B2B", "3D", "2D", "1D", "4K", "8K", "HD", "RGB", "RGB-D", "CT", "MRI", "EEG",
    "ECG", "DNA", "RNA", "HIV", "WHO", "NASA", "IEEE", "ACL", "EMNLP", "NeurIPS", "ICML", "ICLR", "CVPR",
    "AAAI", "IJCAI", "NAACL", "COLING", "ECCV", "ICCV", "KDD", "WWW", "SIGIR", "Interspeech", "ICASSP",
    "II", "III", "IV", "VI", "MoE", "MoEs", "KV", "QA", "NLU", "NLG", "IR", "CV", "ASR", "TTS", "MT",
))

# --- context cues ------------------------------------------------------------------------------
#: head nouns that type the name before them: "the X dataset", "X benchmark", "X model".
CUE_NOUNS: dict[str, str] = {
    **dict.fromkeys(("dataset", "datasets", "corpus", "corpora", "benchmark", "benchmarks", "suite",
                     "leaderboard", "treebank", "collection", "testbed", "test set", "split"), "Dataset"),
    **dict.fromkeys(("model", "models", "llm", "llms", "checkpoint", "checkpoints", "family", "chatbot",
                     "assistant", "series", "variant", "variants", "agent"), "Model"),
    **dict.fromkeys(("method", "methods", "algorithm", "algorithms", "approach", "technique", "techniques",
                     "framework", "frameworks", "architecture", "architectures", "library", "toolkit",
                     "objective", "loss", "strategy", "mechanism", "procedure", "paradigm", "pipeline",
                     "optimizer", "scheme", "module", "layer", "decoding", "attention"), "Method"),
    **dict.fromkeys(("task", "tasks", "problem", "challenge"), "Task"),
    **dict.fromkeys(("score", "metric", "metrics", "measure"), "Metric"),
}
#: words before a name that type it: "trained on X", "fine-tuned X".
CUE_BEFORE: dict[tuple[str, ...], str] = {
    ("trained", "on"): "Dataset", ("pretrained", "on"): "Dataset", ("pre-trained", "on"): "Dataset",
    ("fine-tuned", "on"): "Dataset", ("finetuned", "on"): "Dataset", ("evaluated", "on"): "Dataset",
    ("tested", "on"): "Dataset", ("experiments", "on"): "Dataset", ("results", "on"): "Dataset",
    ("performance", "on"): "Dataset", ("accuracy", "on"): "Dataset", ("evaluations", "on"): "Dataset",
    ("benchmarks", "like"): "Dataset", ("benchmarks", "such", "as"): "Dataset",
    ("datasets", "such", "as"): "Dataset", ("models", "such", "as"): "Model", ("llms", "such", "as"): "Model",
    ("fine-tuned",): "Model", ("fine-tuning",): "Model", ("finetuning",): "Model", ("fine-tune",): "Model",
    ("instruction-tuned",): "Model", ("distilled", "from"): "Model",
    ("built", "on"): "Model", ("built", "upon"): "Model", ("initialized", "from"): "Model",
    ("such", "as"): "", ("including",): "", ("e.g.", ","): "", ("like",): "",
}
#: verbs whose object the paper itself introduces: "we propose X".
INTRO_VERBS = frozenset({"present", "propose", "introduce", "release", "develop", "build", "construct",
                         "create", "design", "train", "curate", "collect", "contribute", "open-source",
                         "presents", "proposes", "introduces", "releases", "develops", "describes", "offers",
                         "builds", "constructs", "creates", "designs", "curates", "contributes", "provide",
                         "presented", "proposed", "introduced", "developed", "constructed", "built", "created",
                         "designed", "curated", "released", "trained", "devise", "devised", "named", "called",
                         "dubbed", "termed", "coined", "detail", "details", "describe", "unveil", "report"})
#: subjects that make an intro verb the paper's own: "we", "this paper", "this work".
INTRO_SUBJECTS = frozenset({"we", "paper", "work", "study", "report", "article", "here"})
NAMING_WORDS = frozenset({"called", "named", "dubbed", "termed", "coined", "namely"})
OWN_WORDS = frozenset({"our", "proposed", "resulting", "new", "novel"})
#: appositive heads after "X, a ...": which type X has.
APPOSITIVE_HEADS: dict[str, str] = {
    **{w: "Model" for w in ("model", "llm", "language", "chatbot", "assistant", "family", "suite of models",
                             "transformer", "network", "encoder", "decoder", "checkpoint")},
    **{w: "Dataset" for w in ("dataset", "benchmark", "corpus", "collection", "suite", "testbed",
                               "leaderboard", "resource")},
    **{w: "Method" for w in ("method", "approach", "framework", "technique", "algorithm", "strategy",
                              "architecture", "library", "toolkit", "system", "pipeline", "recipe", "paradigm",
                              "mechanism", "procedure", "objective", "scheme", "tool", "platform",
                              "guideline", "guidelines", "sampler", "pruner", "optimizer", "technique")},
}

# --- abbreviations and generic phrases ---------------------------------------------------------
#: long forms of acronyms that name a kind of thing, not an entity (ANNOTATION.md "out").
GENERIC_WORDS = frozenset("""
large small language languages model models neural network networks deep learning machine artificial
intelligence natural processing generative pre-trained pretrained foundation multimodal multi-modal
vision vision-language visual text based open source open-source general purpose general-purpose
computer graphics unit units processing central tensor application programming interface
reinforcement human feedback state of the art state-of-the-art ai agent agents system systems
code data science internet things key performance indicator
""".split())
#: long forms kept even though every word is generic: these are methods.
GENERIC_BUT_NAMED = frozenset({"reinforcement learning", "deep reinforcement learning", "machine translation",
                               "reinforcement learning from human feedback", "natural language inference",
                               "deep neural network", "deep neural networks"})
#: lower-cased phrases that are never entities on their own (ANNOTATION.md exclusions).
GENERIC_PHRASES = frozenset({
    "llm", "llms", "large language model", "large language models", "language model", "language models",
    "our model", "the model", "training", "fine-tuning", "finetuning", "evaluation", "inference",
    "pretraining", "pre-training", "transformer-based", "ai", "artificial intelligence", "nlp",
    "natural language processing", "machine learning", "deep learning", "neural networks", "neural network",
    "foundation models", "foundation model", "code llms", "open-source llms", "generative ai",
    "computer vision", "benchmark", "benchmarks", "dataset", "datasets", "regression", "classification",
    "knowledge graph", "knowledge graphs", "knowledge base", "knowledge bases", "vision-language models",
    "multimodal large language models", "small language models", "text generation method",
})

# --- head words of lower-case names ------------------------------------------------------------
TASK_HEADS = frozenset("""
recognition detection classification segmentation generation translation summarization summarisation
answering retrieval extraction parsing prediction forecasting estimation tracking captioning reasoning
understanding completion synthesis recommendation tagging labeling labelling verification identification
localization localisation inpainting denoising super-resolution matching alignment retrieval linking
resolution disambiguation simplification correction editing grounding navigation planning control
""".split())
METHOD_HEADS = frozenset("""
decoding sampling attention pruning quantization distillation tuning fine-tuning finetuning optimization
regularization normalization interpolation merging encoding embedding embeddings augmentation adaptation
prompting search learning training pretraining pre-training networks network architecture mechanism
algorithm framework method approach technique scheme strategy objective loss descent propagation
dropout pooling convolution transformer autoencoder encoder decoder parallelism checkpointing caching
sampler pruner optimizer tokenizer retriever deduplication binarization sparsification specialization
""".split())
DATASET_HEADS = frozenset({"dataset", "corpus", "benchmark", "bench", "collection", "suite", "treebank",
                           "challenge", "leaderboard", "arena", "data"})
METRIC_HEADS = frozenset({"score", "rate", "error", "accuracy", "precision", "recall", "distance",
                          "ratio", "coefficient", "divergence", "perplexity", "f1"})
#: words that end a lower-case name on the left (evaluative adjectives, determiners, verbs-ish).
LEFT_STOP = frozenset("""
a an the this that these those our their its his her your my we they it of in on for with from to by as
at and or but not no is are was were be been being has have had do does did can could may might will
would shall should must robust efficient effective accurate better best novel new existing various
several many different improved strong stronger standard conventional traditional popular recent
current previous prior state-of-the-art challenging difficult important fundamental key such both
each every all some any more most less other same similar large small high low real-time general
specific downstream multiple diverse complex simple typical several competitive promising superior
significant substantial remarkable impressive extensive comprehensive wide broad including include
includes via using use used uses than also which who whose where when while only further
through without over into across under between among about against within toward towards after before
during per like unlike upon little much lot lots optimal additional purpose whole entire full
""".split())
#: head words too generic to make a lower-case name on their own ("predominant algorithm").
WEAK_HEADS = frozenset("""
method approach framework algorithm technique strategy scheme mechanism architecture objective loss
procedure training attention search network networks learning generation understanding reasoning
planning control alignment matching resolution editing correction prediction estimation
""".split())
PREPOSITIONS_IN_NAMES = frozenset({"of", "in", "for", "from", "with", "on", "to"})
