"""An idiomatic PyTorch loop: nn.Sequential 784-100-10-10 (relu), cross-entropy on the logits, Adam 0.001, a shuffling
DataLoader of batch 200, the test set evaluated under no_grad after each epoch, to 87 % test accuracy."""
import fashion_data as data

try:
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
except ImportError as e:
    data.missing("torch", e)

x, y, test_x, test_y = data.load_all()
x, y, test_x, test_y = (torch.from_numpy(a) for a in (x, y, test_x, test_y))
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10), nn.ReLU(), nn.Linear(10, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=data.LEARNING_RATE)
loss_fn = nn.CrossEntropyLoss()
loader = DataLoader(TensorDataset(x, y), batch_size=data.BATCH, shuffle=True)
for epoch in range(1, data.MAX_EPOCHS + 1):
    model.train()
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), labels)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()
    if accuracy >= data.TARGET:
        break
data.reached(epoch, accuracy, f"torch {torch.__version__}")
