# backends: torch
"""Guide: writing a training loop from scratch in PyTorch. A Keras model is a torch Module:
train it with a torch optimizer and a DataLoader, then with a Keras optimizer and metrics."""
import numpy as np
import torch

import keras
from keras import layers

keras.utils.set_random_seed(7)
rng = np.random.default_rng(7)
x_all = rng.normal(size=(160, 8)).astype("float32")
y_all = ((x_all[:, :4].sum(axis=1) > 0).astype("int64") + (x_all[:, 4] > 1.0)).astype("int64")
dataset = torch.utils.data.TensorDataset(torch.from_numpy(x_all), torch.from_numpy(y_all))
loader = torch.utils.data.DataLoader(dataset, batch_size=32, shuffle=True)


def make_model():
    return keras.Sequential(
        [keras.Input(shape=(8,)), layers.Dense(16, activation="relu"), layers.Dense(3)]
    )


def full_loss(model, loss_fn):
    with torch.no_grad():
        return float(loss_fn(torch.from_numpy(y_all), model(torch.from_numpy(x_all))))


# 1. Pure torch tooling: torch.optim over model.parameters().
model = make_model()
assert isinstance(model, torch.nn.Module)
parameters = list(model.parameters())
assert len(parameters) == 4
assert sum(p.numel() for p in parameters) == model.count_params()
torch_optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
torch_loss = torch.nn.CrossEntropyLoss()
keras_order = lambda y_true, logits: torch_loss(logits, y_true)
before = full_loss(model, keras_order)
for epoch in range(3):
    for x, y in loader:
        logits = model(x)
        loss = torch_loss(logits, y)
        model.zero_grad()
        loss.backward()
        torch_optimizer.step()
after = full_loss(model, keras_order)
assert after < before, (before, after)

# 2. Keras loss, optimizer and metrics in a torch loop.
model = make_model()
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = keras.optimizers.Adam(learning_rate=0.01)
accuracy = keras.metrics.SparseCategoricalAccuracy()
before = full_loss(model, loss_fn)
epoch_accuracies = []
for epoch in range(3):
    for x, y in loader:
        logits = model(x, training=True)
        loss = loss_fn(y, logits)
        model.zero_grad()
        loss.backward()
        trainable_weights = list(model.trainable_weights)
        gradients = [w.value.grad for w in trainable_weights]
        with torch.no_grad():
            optimizer.apply(gradients, trainable_weights)
        accuracy.update_state(y, logits)
    epoch_accuracies.append(float(accuracy.result()))
    accuracy.reset_state()
after = full_loss(model, loss_fn)
assert after < before, (before, after)
assert int(keras.ops.convert_to_numpy(optimizer.iterations)) == 3 * len(loader)
assert all(0.0 <= a <= 1.0 for a in epoch_accuracies)


# 3. Losses added by layers are collected in model.losses after each forward pass.
class ActivityPenalty(layers.Layer):
    def call(self, inputs):
        self.add_loss(1e-2 * keras.ops.sum(keras.ops.square(inputs)))
        return inputs


regularized = keras.Sequential(
    [keras.Input(shape=(8,)), layers.Dense(16, activation="relu"), ActivityPenalty(), layers.Dense(3)]
)
optimizer = keras.optimizers.SGD(learning_rate=0.01)
x, y = next(iter(loader))
logits = regularized(x, training=True)
assert len(regularized.losses) == 1
loss = loss_fn(y, logits) + sum(regularized.losses)
regularized.zero_grad()
loss.backward()
weights = list(regularized.trainable_weights)
with torch.no_grad():
    optimizer.apply([w.value.grad for w in weights], weights)
regularized(x)
assert len(regularized.losses) == 1  # recomputed, not accumulated

# Predictions from the Keras API and the torch module call agree.
with torch.no_grad():
    direct = model(torch.from_numpy(x_all)).cpu().numpy()
np.testing.assert_allclose(model.predict(x_all, verbose=0), direct, rtol=1e-5, atol=1e-6)
print("training_loop_torch: ok")
