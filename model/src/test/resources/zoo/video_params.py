"""Writes the per-module parameter counts of torchvision's r3d_18 and r2plus1d_18 (400 classes) and of
C3D as ported to PyTorch (Tran et al. 2015's layers; 487 classes, 3x16x112x112) to <name>.tsv beside this
file: "module<TAB>parameters", one line per module that owns parameters, in torchvision's order.
VideoZooTest compares the zoo's nodes with them. Run: python video_params.py (torch, torchvision)."""
import os
import sys
import types
from collections import OrderedDict

# torchvision's compiled ops (_C.so) may not load against a CPU-only torch; the model definitions are pure
# Python and need none of them, so skip the module that registers fake kernels for those ops.
sys.modules.setdefault('torchvision._meta_registrations', types.ModuleType('torchvision._meta_registrations'))
import torch  # noqa: E402
from torch import nn  # noqa: E402
import torchvision  # noqa: E402
from torchvision.models.video import r2plus1d_18, r3d_18  # noqa: E402


class C3D(nn.Module):
    """C3D (Tran et al. 2015) as the widely used PyTorch port of the released Sports-1M model writes it."""

    def __init__(self, classes=487):
        super().__init__()
        self.conv1a = nn.Conv3d(3, 64, 3, padding=1)
        self.pool1 = nn.MaxPool3d((1, 2, 2), (1, 2, 2))
        self.conv2a = nn.Conv3d(64, 128, 3, padding=1)
        self.pool2 = nn.MaxPool3d(2, 2)
        self.conv3a = nn.Conv3d(128, 256, 3, padding=1)
        self.conv3b = nn.Conv3d(256, 256, 3, padding=1)
        self.pool3 = nn.MaxPool3d(2, 2)
        self.conv4a = nn.Conv3d(256, 512, 3, padding=1)
        self.conv4b = nn.Conv3d(512, 512, 3, padding=1)
        self.pool4 = nn.MaxPool3d(2, 2)
        self.conv5a = nn.Conv3d(512, 512, 3, padding=1)
        self.conv5b = nn.Conv3d(512, 512, 3, padding=1)
        self.pool5 = nn.MaxPool3d(2, 2, padding=(0, 1, 1))
        self.fc6 = nn.Linear(8192, 4096)
        self.fc7 = nn.Linear(4096, 4096)
        self.fc8 = nn.Linear(4096, classes)


def per_module(model):
    counts = OrderedDict()
    for name, p in model.named_parameters():
        module = name.rsplit('.', 1)[0]
        counts[module] = counts.get(module, 0) + p.numel()
    return counts


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    models = {'r3d_18': r3d_18(num_classes=400), 'r2plus1d_18': r2plus1d_18(num_classes=400), 'c3d': C3D(487)}
    for name, model in models.items():
        counts = per_module(model)
        with open(os.path.join(here, name + '.tsv'), 'w') as f:
            f.write('# %s: %d parameters (torch %s, torchvision %s)\n'
                    % (name, sum(counts.values()), torch.__version__, torchvision.__version__))
            for module, n in counts.items():
                f.write('%s\t%d\n' % (module, n))
        print(name, sum(counts.values()))


if __name__ == '__main__':
    main()
