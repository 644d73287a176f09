"""Programs in the style of PyTorch's own beginner material (Learn the Basics, the 60 Minute Blitz,
Learning PyTorch with Examples, the state_dict, checkpoint and zeroing-gradients recipes, d2l's
autograd chapter), written for this test suite. Each takes the library as ``torch`` and prints what
the tutorial prints; run on pedagrad and on PyTorch, the printouts agree. Data sets are small random
arrays of the tutorials' shapes, and random weights are drawn once and given to both libraries."""
import contextlib
import io
import math
import re

import numpy as np
import pytest

import pedagrad

NUMBER = re.compile(r"-?\d+\.\d*(?:e[-+]?\d+)?")
ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def printout(program, lib, *args):
    """What ``program(lib, *args)`` prints, with graph nodes' memory addresses left out."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        program(lib, *args)
    return ADDRESS.sub("", out.getvalue())


def assert_same_printout(program, torch, *args, rtol=1e-5, atol=1e-7):
    """The same text on both libraries, numbers with a decimal point equal to ``rtol``."""
    ours, theirs = printout(program, pedagrad, *args), printout(program, torch, *args)
    assert NUMBER.sub("#", ours) == NUMBER.sub("#", theirs)
    np.testing.assert_allclose([float(n) for n in NUMBER.findall(ours)], [float(n) for n in NUMBER.findall(theirs)],
                               rtol=rtol, atol=atol)
    assert ours.strip()
    return ours


# -- the device-selection lines ---------------------------------------------------------------------

def device_preamble(torch):
    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    print(f"Using {device} device")
    device = ("cuda" if torch.cuda.is_available()
              else "mps" if torch.backends.mps.is_available()
              else "cpu")
    print(f"Using {device} device")
    device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    print(device, repr(device))
    torch.set_default_device(device)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU()).to(device)
    x = torch.ones(2, 4, device=device)
    print(model(x).device, x.to(device).device, x.to("cpu", torch.double).dtype, x.is_cuda)
    with torch.device("cpu"):
        print(torch.zeros(1).device, torch.get_default_device())
    torch.set_default_device(None)


def test_device_preamble(torch):
    text = assert_same_printout(device_preamble, torch)
    assert "Using cpu device\nUsing cpu device\ncpu device(type='cpu')\n" in text


# -- Learn the Basics: Tensors, and the Blitz's first page ------------------------------------------

def tensors(torch):
    data = [[1, 2], [3, 4]]
    x_data = torch.tensor(data)
    x_np = torch.from_numpy(np.array(data))
    x_ones = torch.ones_like(x_data)
    print(f"Ones Tensor: \n {x_ones} \n")
    x_rand = torch.rand_like(x_data, dtype=torch.float)
    print(f"Random Tensor: {x_rand.shape} {x_rand.dtype} {bool(((0 <= x_rand) & (x_rand < 1)).all())}")
    shape = (2, 3,)
    print(f"Ones Tensor: \n {torch.ones(shape)} \n")
    print(f"Zeros Tensor: \n {torch.zeros(shape)}")
    tensor = torch.rand(3, 4)
    print(f"Shape of tensor: {tensor.shape}")
    print(f"Datatype of tensor: {tensor.dtype}")
    print(f"Device tensor is stored on: {tensor.device}")
    if torch.accelerator.is_available():
        tensor = tensor.to(torch.accelerator.current_accelerator())
    tensor = torch.ones(4, 4)
    print(f"First row: {tensor[0]}")
    print(f"First column: {tensor[:, 0]}")
    print(f"Last column: {tensor[..., -1]}")
    tensor[:, 1] = 0
    print(tensor)
    print(torch.cat([tensor, tensor, tensor], dim=1))
    y1 = tensor @ tensor.T
    y2 = tensor.matmul(tensor.T)
    z1 = tensor * tensor
    z2 = tensor.mul(tensor)
    print(torch.equal(y1, y2), torch.equal(z1, z2), y1, x_np.dtype)
    agg = tensor.sum()
    agg_item = agg.item()
    print(agg_item, type(agg_item))
    tensor.add_(5)
    print(tensor)
    t = torch.ones(5)
    n = t.numpy()
    t.add_(1)
    print(f"t: {t}\nn: {n}")
    n = np.ones(5)
    t = torch.from_numpy(n)
    np.add(n, 1, out=n)
    print(f"t: {t}\nn: {n}")
    x = torch.zeros(5, 3, dtype=torch.long)
    x = torch.tensor([5.5, 3])
    x = x.new_ones(5, 3, dtype=torch.double)
    print(x, x.size())
    x = torch.randn_like(x, dtype=torch.float)
    y = torch.empty(4, 4).view(16)
    print(x.dtype, x.size(), y.size(), torch.randn(4, 4).view(-1, 8).size(), torch.add(x, 1).shape)


def test_tensors(torch):
    assert "Ones Tensor: \n tensor([[1, 1],\n        [1, 1]]) \n" in assert_same_printout(tensors, torch)


# -- Learn the Basics: Quickstart and Optimizing Model Parameters, on a FashionMNIST stand-in --------

class _Images:
    """A stand-in for torchvision's FashionMNIST: ``n`` 1×28×28 images in [0, 1] and labels 0..9."""

    def __init__(self, torch, images, labels):
        self.images, self.labels, self.torch = images, labels, torch

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        return self.torch.tensor(self.images[idx]), int(self.labels[idx])


def fashion(seed, n):
    rng = np.random.default_rng(seed)
    return rng.random((n, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, n)


def learn_the_basics(torch, start, path):
    nn = torch.nn
    training_data, test_data = (_Images(torch, *fashion(seed, n)) for seed, n in ((1, 200), (2, 80)))
    batch_size = 64
    train_dataloader = torch.utils.data.DataLoader(training_data, batch_size=batch_size)
    test_dataloader = torch.utils.data.DataLoader(test_data, batch_size=batch_size)
    for X, y in test_dataloader:
        print(f"Shape of X [N, C, H, W]: {X.shape}")
        print(f"Shape of y: {y.shape} {y.dtype}")
        break
    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    print(f"Using {device} device")

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 512),
                nn.ReLU(),
                nn.Linear(512, 512),
                nn.ReLU(),
                nn.Linear(512, 10),
            )

        def forward(self, x):
            x = self.flatten(x)
            logits = self.linear_relu_stack(x)
            return logits

    model = NeuralNetwork().to(device)
    model.load_state_dict({name: torch.tensor(value) for name, value in start.items()})
    print(model)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-1)

    def train(dataloader, model, loss_fn, optimizer):
        size = len(dataloader.dataset)
        model.train()
        for batch, (X, y) in enumerate(dataloader):
            X, y = X.to(device), y.to(device)
            pred = model(X)
            loss = loss_fn(pred, y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            if batch % 2 == 0:
                loss, current = loss.item(), (batch + 1) * len(X)
                print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")

    def test(dataloader, model, loss_fn):
        size = len(dataloader.dataset)
        num_batches = len(dataloader)
        model.eval()
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in dataloader:
                X, y = X.to(device), y.to(device)
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        test_loss /= num_batches
        correct /= size
        print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")

    for t in range(2):
        print(f"Epoch {t+1}\n-------------------------------")
        train(train_dataloader, model, loss_fn, optimizer)
        test(test_dataloader, model, loss_fn)
    print("Done!")
    torch.save(model.state_dict(), path)
    model = NeuralNetwork().to(device)
    model.load_state_dict(torch.load(path, weights_only=True))
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]
    model.eval()
    x, y = test_data[0][0], test_data[0][1]
    with torch.no_grad():
        x = x.to(device)
        pred = model(x)
        predicted, actual = classes[pred[0].argmax(0)], classes[y]
        print(f'Predicted: "{predicted}", Actual: "{actual}"')
    for name, param in model.named_parameters():
        print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2].flatten()[:3]} \n")


def test_learn_the_basics(torch, tmp_path):
    torch.manual_seed(0)
    start = {name: value.detach().numpy().copy() for name, value in torch.nn.Sequential(
        torch.nn.Linear(28 * 28, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 10)).state_dict().items()}
    start = {f"linear_relu_stack.{name}": value for name, value in start.items()}
    text = assert_same_printout(learn_the_basics, torch, start, tmp_path / "model.pth", rtol=1e-4)
    assert "Shape of X [N, C, H, W]: torch.Size([64, 1, 28, 28])" in text and "Done!" in text


# -- Learn the Basics: Automatic Differentiation, and the Blitz's gentle introduction ---------------

def autograd_basics(torch, w, b):
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.tensor(w, requires_grad=True)
    b = torch.tensor(b, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    print(f"Gradient function for z = {z.grad_fn}")
    print(f"Gradient function for loss = {loss.grad_fn}")
    loss.backward()
    print(w.grad)
    print(b.grad)
    z = torch.matmul(x, w) + b
    print(z.requires_grad)
    with torch.no_grad():
        z = torch.matmul(x, w) + b
    print(z.requires_grad)
    print(z.detach().requires_grad)
    inp = torch.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"First call\n{inp.grad}")
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"\nSecond call\n{inp.grad}")
    inp.grad.zero_()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"\nCall after zeroing gradients\n{inp.grad}")
    a = torch.tensor([2., 3.], requires_grad=True)
    b = torch.tensor([6., 4.], requires_grad=True)
    Q = 3 * a ** 3 - b ** 2
    Q.backward(gradient=torch.tensor([1., 1.]))
    print(9 * a ** 2 == a.grad)
    print(-2 * b == b.grad)
    x, y, z = torch.rand(5, 5), torch.rand(5, 5), torch.rand((5, 5), requires_grad=True)
    print(f"Does `a` require gradients?: {(x + y).requires_grad}")
    print(f"Does `b` require gradients?: {(x + z).requires_grad}")

    class Classifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.body = torch.nn.Linear(8, 16)
            self.fc = torch.nn.Linear(16, 4)

        def forward(self, x):
            return self.fc(torch.relu(self.body(x)))

    model = Classifier()
    for param in model.parameters():
        param.requires_grad = False
    model.fc = torch.nn.Linear(16, 10)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    print([name for name, p in model.named_parameters() if p.requires_grad], len(optimizer.param_groups[0]["params"]))


def test_autograd_basics(torch):
    rng = np.random.default_rng(3)
    w, b = rng.standard_normal((5, 3), dtype=np.float32), rng.standard_normal(3, dtype=np.float32)
    text = assert_same_printout(autograd_basics, torch, w, b)
    assert "Gradient function for loss = <BinaryCrossEntropyWithLogitsBackward0 object>" in text


# -- Learning PyTorch with Examples: the polynomial fits ---------------------------------------------

def polynomial_tensors(torch, start):
    dtype = torch.float
    device = torch.device("cpu")
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)
    a, b, c, d = (torch.tensor(v, device=device, dtype=dtype) for v in start)
    learning_rate = 1e-6
    for t in range(300):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum().item()
        if t % 50 == 49:
            print(t, loss)
        grad_y_pred = 2.0 * (y_pred - y)
        a -= learning_rate * grad_y_pred.sum()
        b -= learning_rate * (grad_y_pred * x).sum()
        c -= learning_rate * (grad_y_pred * x ** 2).sum()
        d -= learning_rate * (grad_y_pred * x ** 3).sum()
    print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")


def polynomial_autograd(torch, start):
    dtype = torch.float
    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    torch.set_default_device(device)
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    a, b, c, d = (torch.full((), v, dtype=dtype, requires_grad=True) for v in start)
    learning_rate = 1e-6
    for t in range(300):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        if t % 50 == 49:
            print(t, loss.item())
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    torch.set_default_device(None)
    print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")


def polynomial_custom_function(torch, start):
    class LegendrePolynomial3(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    dtype = torch.float
    device = torch.device("cpu")
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)
    a, b, c, d = (torch.full((), v, device=device, dtype=dtype, requires_grad=True) for v in (0.0, -1.0, 0.0, 0.3))
    learning_rate = 5e-6
    for t in range(300):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        if t % 50 == 49:
            print(t, loss.item())
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    print(f"Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)")


OPTIMIZERS = {
    "sgd": lambda torch, params: torch.optim.SGD(params, lr=1e-6),
    "sgd-momentum": lambda torch, params: torch.optim.SGD(params, lr=1e-6, momentum=0.9),
    "rmsprop": lambda torch, params: torch.optim.RMSprop(params, lr=1e-3),
    "adam": lambda torch, params: torch.optim.Adam(params, lr=1e-3),
    "adamw": lambda torch, params: torch.optim.AdamW(params, lr=1e-3),
    "adagrad": lambda torch, params: torch.optim.Adagrad(params, lr=0.05),
}


def polynomial_optim(torch, start, make_optimizer):
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 1),
        torch.nn.Flatten(0, 1)
    )
    with torch.no_grad():
        model[0].bias.copy_(torch.tensor(start[:1]))
        model[0].weight.copy_(torch.tensor(start[None, 1:]))
    loss_fn = torch.nn.MSELoss(reduction='sum')
    optimizer = make_optimizer(torch, model.parameters())
    for t in range(300):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        if t % 50 == 49:
            print(t, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    linear_layer = model[0]
    print(f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + '
          f'{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3')


def polynomial_module(torch, start):
    class Polynomial3(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b, self.c, self.d = (torch.nn.Parameter(torch.tensor(v)) for v in start)

        def forward(self, x):
            return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

        def string(self):
            return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3'

    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    model = Polynomial3()
    criterion = torch.nn.MSELoss(reduction='sum')
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
    for t in range(300):
        loss = criterion(model(x), y)
        if t % 50 == 49:
            print(t, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f'Result: {model.string()}')


START = np.random.default_rng(4).standard_normal(4, dtype=np.float32)


@pytest.mark.parametrize("program", [polynomial_tensors, polynomial_autograd, polynomial_custom_function,
                                     polynomial_module], ids=lambda p: p.__name__)
def test_polynomial_fits(torch, program):
    text = assert_same_printout(program, torch, START, rtol=1e-4)
    assert text.splitlines()[-1].startswith("Result: y = ")


@pytest.mark.parametrize("make_optimizer", OPTIMIZERS.values(), ids=OPTIMIZERS.keys())
def test_polynomial_fit_with_each_optimizer(torch, make_optimizer):
    text = assert_same_printout(polynomial_optim, torch, START, make_optimizer, rtol=1e-4)
    losses = [float(line.split()[1]) for line in text.splitlines()[:-1]]
    assert losses[-1] < losses[0]


# -- Recipes: what is a state_dict; saving and loading a general checkpoint; zeroing gradients -------

def _net(torch):
    """The recipes' Net, with linear layers in place of its convolutions (pedagrad has none yet)."""
    nn, F = torch.nn, torch.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(3 * 8 * 8, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = x.view(-1, 3 * 8 * 8)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    return Net()


def _cifar_like(torch, seed, n=32):
    rng = np.random.default_rng(seed)
    images = torch.tensor(rng.standard_normal((n, 3, 8, 8), dtype=np.float32))
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, torch.tensor(rng.integers(0, 10, n))),
                                       batch_size=4)


def state_dict_and_checkpoint(torch, start, path):
    net = _net(torch)
    net.load_state_dict({k: torch.tensor(v) for k, v in start.items()})
    print(net)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    criterion = torch.nn.CrossEntropyLoss()
    trainloader = _cifar_like(torch, 5)
    for epoch in range(2):
        running_loss = 0.0
        for i, data in enumerate(trainloader, 0):
            inputs, labels = data
            optimizer.zero_grad()
            loss = criterion(net(inputs), labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if i % 4 == 3:
                print(f'[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 4:.3f}')
                running_loss = 0.0
    print("Model's state_dict:")
    for param_tensor in net.state_dict():
        print(param_tensor, "\t", net.state_dict()[param_tensor].size())
    print("Optimizer's state_dict:")
    print(optimizer.state_dict()["param_groups"])
    print({k: sorted(v) for k, v in optimizer.state_dict()["state"].items()})
    torch.save({
        'epoch': 2,
        'model_state_dict': net.state_dict(),
        'optimizer_state_dict': optimizer.state_dict(),
        'loss': 0.4,
    }, path)
    model = _net(torch)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint['model_state_dict'])
    optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
    epoch = checkpoint['epoch']
    loss = checkpoint['loss']
    model.eval()
    print(epoch, loss, torch.equal(model.fc3.bias, net.fc3.bias))
    model.train()  # resume training: the loaded copy and the original go on alike
    resumed, uninterrupted = [], []
    original_optimizer = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    original_optimizer.load_state_dict(torch.load(path, weights_only=True)['optimizer_state_dict'])
    for m, opt, losses in ((model, optimizer, resumed), (net, original_optimizer, uninterrupted)):
        for inputs, labels in trainloader:
            opt.zero_grad()
            loss = criterion(m(inputs), labels)
            loss.backward()
            opt.step()
            losses.append(round(loss.item(), 6))
    print(resumed == uninterrupted, resumed[:3])


def test_state_dict_and_checkpoint_recipes(torch, tmp_path):
    torch.manual_seed(0)
    start = {k: v.numpy().copy() for k, v in _net(torch).state_dict().items()}
    text = assert_same_printout(state_dict_and_checkpoint, torch, start, tmp_path / "model.pt", rtol=1e-4)
    assert "fc1.weight \t torch.Size([120, 192])" in text and "2 0.4 True" in text


def zeroing_gradients(torch, start):
    net = _net(torch)
    net.load_state_dict({k: torch.tensor(v) for k, v in start.items()})
    criterion = torch.nn.CrossEntropyLoss()
    inputs, labels = next(iter(_cifar_like(torch, 6)))
    loss = criterion(net(inputs), labels)
    loss.backward()
    once = net.fc3.bias.grad.clone()
    criterion(net(inputs), labels).backward()
    print("without zeroing, gradients add up:", torch.allclose(net.fc3.bias.grad, 2 * once))
    net.zero_grad()
    print("after net.zero_grad():", net.fc3.bias.grad)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    criterion(net(inputs), labels).backward()
    optimizer.zero_grad()
    print("after optimizer.zero_grad():", net.fc3.bias.grad)


def test_zeroing_gradients_recipe(torch):
    torch.manual_seed(1)
    start = {k: v.numpy().copy() for k, v in _net(torch).state_dict().items()}
    text = assert_same_printout(zeroing_gradients, torch, start)
    assert "without zeroing, gradients add up: True\nafter net.zero_grad(): None" in text


# -- the schedules of the optimization material -----------------------------------------------------

SCHEDULES = {
    "exponential": lambda torch, opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9),
    "multistep": lambda torch, opt: torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[3, 6], gamma=0.1),
    "cosine": lambda torch, opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=8),
    "plateau": lambda torch, opt: torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", patience=1),
}


def training_with_a_schedule(torch, start, make_schedule):
    model = _net(torch)
    model.load_state_dict({k: torch.tensor(v) for k, v in start.items()})
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    scheduler = make_schedule(torch, optimizer)
    loss_fn = torch.nn.CrossEntropyLoss()
    trainloader, validloader = _cifar_like(torch, 7), _cifar_like(torch, 8, n=8)
    for epoch in range(10):
        model.train()
        for inputs, labels in trainloader:
            optimizer.zero_grad()
            loss_fn(model(inputs), labels).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            val_loss = sum(loss_fn(model(x), y).item() for x, y in validloader)
        if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
            scheduler.step(val_loss)
        else:
            scheduler.step()
        print(f"epoch {epoch}: val_loss {val_loss:.4f} lr {scheduler.get_last_lr()[0]:.6f}")


@pytest.mark.parametrize("make_schedule", SCHEDULES.values(), ids=SCHEDULES.keys())
def test_training_with_a_schedule(torch, make_schedule):
    torch.manual_seed(2)
    start = {k: v.numpy().copy() for k, v in _net(torch).state_dict().items()}
    assert_same_printout(training_with_a_schedule, torch, start, make_schedule, rtol=1e-4)


# -- Dive into Deep Learning: Automatic Differentiation ----------------------------------------------

def d2l_autograd(torch):
    x = torch.arange(4.0)
    x.requires_grad_(True)
    print(x.grad)
    y = 2 * torch.dot(x, x)
    print(y)
    y.backward()
    print(x.grad)
    print(x.grad == 4 * x)
    x.grad.zero_()
    y = x.sum()
    y.backward()
    print(x.grad)
    x.grad.zero_()
    y = x * x
    y.backward(gradient=torch.ones(len(y)))
    print(x.grad)
    x.grad.zero_()
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    print(x.grad == u)
    x.grad.zero_()
    y.sum().backward()
    print(x.grad == 2 * x)

    def f(a):
        b = a * 2
        while b.norm() < 1000:
            b = b * 2
        if b.sum() > 0:
            c = b
        else:
            c = 100 * b
        return c

    a = torch.randn(size=(), requires_grad=True)
    d = f(a)
    d.backward()
    print(a.grad == d / a)


def test_d2l_autograd(torch):
    assert assert_same_printout(d2l_autograd, torch).splitlines()[-1] == "tensor(True)"
