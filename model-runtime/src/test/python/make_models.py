#!/usr/bin/python3
"""Writes ONNX files a third party (PyTorch, onnx's helper) made, for Hearth's ONNX tests.

Usage: make_models.py OUT_DIR IRIS_CSV MNIST_CSV_GZ

Into OUT_DIR: mlp.onnx (an MLP trained on iris), cnn.onnx (a CNN trained on 28x28 digits), two_input.onnx (two
inputs, two outputs of other element types), each with <name>.json holding fixed input rows and PyTorch's own
outputs on them; and bad files: opset_too_new.onnx, unknown_op.onnx, fp16_input.onnx, string_input.onnx.
Run with Debian's python3 (python3-torch, python3-onnx).
"""
import csv
import gzip
import json
import os
import sys

import onnx
import torch
from onnx import TensorProto, helper

torch.manual_seed(7)
torch.set_num_threads(1)
OPSET = 17


def export(model, args, path, input_names, output_names):
    model.eval()
    dynamic = {name: {0: "batch"} for name in input_names + output_names}
    torch.onnx.export(model, args, path, input_names=input_names, output_names=output_names,
                      dynamic_axes=dynamic, opset_version=OPSET)


def write_rows(path, inputs, outputs):
    """inputs/outputs: name -> tensor; written as nested lists with their shapes and dtypes."""
    def enc(t):
        return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
                "data": t.reshape(-1).tolist()}
    with open(path, "w") as f:
        json.dump({"inputs": {k: enc(v) for k, v in inputs.items()},
                   "outputs": {k: enc(v) for k, v in outputs.items()}}, f)


def iris_mlp(out, iris_csv):
    with open(iris_csv) as f:
        rows = list(csv.DictReader(f))
    names = ["setosa", "versicolor", "virginica"]
    x = torch.tensor([[float(r[c]) for c in ("sepal_length", "sepal_width", "petal_length", "petal_width")]
                      for r in rows], dtype=torch.float32)
    y = torch.tensor([names.index(r["label"]) for r in rows])
    model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3),
                                torch.nn.Softmax(dim=1))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    loss_fn = torch.nn.NLLLoss()
    for _ in range(200):
        opt.zero_grad()
        loss = loss_fn(torch.log(model(x) + 1e-9), y)
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(x).argmax(1) == y).float().mean().item()
        fixed = x[::10]
        probs = model(fixed)
    export(model, (fixed,), os.path.join(out, "mlp.onnx"), ["features"], ["probabilities"])
    write_rows(os.path.join(out, "mlp.json"), {"features": fixed}, {"probabilities": probs})
    return accuracy


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.pool = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(8 * 14 * 14, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(torch.relu(self.conv(x))), 1))


def digits_cnn(out, mnist_gz):
    xs, ys = [], []
    with gzip.open(mnist_gz, "rt") as f:
        reader = csv.reader(f)
        next(reader)
        for i, r in enumerate(reader):
            if i >= 1200:
                break
            ys.append(int(r[0]))
            xs.append([float(v) / 255.0 for v in r[1:]])
    x = torch.tensor(xs, dtype=torch.float32).reshape(-1, 1, 28, 28)
    y = torch.tensor(ys)
    model = Cnn()
    opt = torch.optim.Adam(model.parameters(), lr=0.003)
    loss_fn = torch.nn.CrossEntropyLoss()
    train_x, train_y = x[:1000], y[:1000]
    for _ in range(3):
        for i in range(0, 1000, 50):
            opt.zero_grad()
            loss_fn(model(train_x[i:i + 50]), train_y[i:i + 50]).backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(x[1000:]).argmax(1) == y[1000:]).float().mean().item()
        fixed = x[1000:1008]
        logits = model(fixed)
    export(model, (fixed,), os.path.join(out, "cnn.onnx"), ["pixels"], ["logits"])
    write_rows(os.path.join(out, "cnn.json"), {"pixels": fixed}, {"logits": logits})
    return accuracy


class TwoInputs(torch.nn.Module):
    """a: FP32 [batch, 3]; b: INT64 [batch, 2] category ids -> FP64 scores [batch, 2] and INT64 argmax [batch]."""

    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(5, 3)
        self.fc = torch.nn.Linear(3, 2)

    def forward(self, a, b):
        mixed = a + self.embed(b).sum(dim=1)
        scores = self.fc(mixed).double()
        return scores, scores.argmax(dim=1)


def two_input(out):
    model = TwoInputs()
    model.eval()
    a = torch.randn(4, 3)
    b = torch.tensor([[0, 1], [2, 3], [4, 0], [1, 1]], dtype=torch.int64)
    with torch.no_grad():
        scores, best = model(a, b)
    export(model, (a, b), os.path.join(out, "two_input.onnx"), ["a", "b"], ["scores", "best"])
    write_rows(os.path.join(out, "two_input.json"), {"a": a, "b": b}, {"scores": scores, "best": best})


def bad_models(out):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 2])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2])

    def save(name, nodes, inputs, outputs, opset):
        graph = helper.make_graph(nodes, name, inputs, outputs)
        model = helper.make_model(graph, producer_name="hearth-tests",
                                  opset_imports=[helper.make_opsetid("", opset)])
        model.ir_version = 8
        onnx.save(model, os.path.join(out, name + ".onnx"))

    # A newer opset than any runtime of this generation runs.
    save("opset_too_new", [helper.make_node("Relu", ["x"], ["y"])], [x], [y], 30)
    # An operator no runtime implements.
    save("unknown_op", [helper.make_node("FrobnicateTensor", ["x"], ["y"])], [x], [y], OPSET)
    # Element types Hearth does not exchange; Identity runs on any of them.
    h = helper.make_tensor_value_info("h", TensorProto.FLOAT16, ["batch", 2])
    h_out = helper.make_tensor_value_info("h_out", TensorProto.FLOAT16, ["batch", 2])
    save("fp16_input", [helper.make_node("Identity", ["h"], ["h_out"])], [h], [h_out], OPSET)
    s = helper.make_tensor_value_info("s", TensorProto.STRING, ["batch"])
    s_out = helper.make_tensor_value_info("s_out", TensorProto.STRING, ["batch"])
    save("string_input", [helper.make_node("Identity", ["s"], ["s_out"])], [s], [s_out], OPSET)


def main():
    out, iris_csv, mnist_gz = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    summary = {"mlp_accuracy": iris_mlp(out, iris_csv), "cnn_accuracy": digits_cnn(out, mnist_gz),
               "torch": torch.__version__, "onnx": onnx.__version__}
    two_input(out)
    bad_models(out)
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
