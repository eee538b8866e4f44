# backends: jax
"""Guide: writing a training loop from scratch in JAX. A jitted pure step over
stateless_call, jax.value_and_grad, optimizer.stateless_apply and stateless metrics,
with the final state written back into the model's variables."""
import jax
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(6)
rng = np.random.default_rng(6)
x_all = rng.normal(size=(160, 8)).astype("float32")
y_all = (x_all[:, :4].sum(axis=1) > 0).astype("int32") + (x_all[:, 4] > 1.0)
batch_size = 32

model = keras.Sequential(
    [keras.Input(shape=(8,)), layers.Dense(16, activation="relu"), layers.Dropout(0.1), layers.Dense(3)]
)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = keras.optimizers.Adam(learning_rate=0.01)
optimizer.build(model.trainable_variables)
train_accuracy = keras.metrics.SparseCategoricalAccuracy()


def compute_loss_and_updates(trainable_variables, non_trainable_variables, x, y):
    logits, non_trainable_variables = model.stateless_call(
        trainable_variables, non_trainable_variables, x, training=True
    )
    return loss_fn(y, logits), (logits, non_trainable_variables)


grad_fn = jax.value_and_grad(compute_loss_and_updates, has_aux=True)


@jax.jit
def train_step(state, batch):
    trainable_variables, non_trainable_variables, optimizer_variables, metric_variables = state
    x, y = batch
    (loss, (logits, non_trainable_variables)), grads = grad_fn(
        trainable_variables, non_trainable_variables, x, y
    )
    trainable_variables, optimizer_variables = optimizer.stateless_apply(
        optimizer_variables, grads, trainable_variables
    )
    metric_variables = train_accuracy.stateless_update_state(metric_variables, y, logits)
    return loss, (trainable_variables, non_trainable_variables, optimizer_variables, metric_variables)


@jax.jit
def eval_step(state, x):
    trainable_variables, non_trainable_variables = state
    logits, _ = model.stateless_call(trainable_variables, non_trainable_variables, x, training=False)
    return logits


state = (
    [v.value for v in model.trainable_variables],
    [v.value for v in model.non_trainable_variables],
    [v.value for v in optimizer.variables],
    [v.value for v in train_accuracy.variables],
)
initial_loss = float(loss_fn(y_all, model(x_all)))
losses = []
for epoch in range(3):
    for start in range(0, len(x_all), batch_size):
        batch = (x_all[start:start + batch_size], y_all[start:start + batch_size])
        loss, state = train_step(state, batch)
        losses.append(float(loss))
    accuracy = float(train_accuracy.stateless_result(state[3]))
    assert 0.0 <= accuracy <= 1.0
    state = state[:3] + ([v.value * 0 for v in train_accuracy.variables],)  # reset per epoch

assert len(losses) == 15
assert np.mean(losses[-5:]) < np.mean(losses[:5]), losses

# The model's own variables are untouched until the state is written back.
trainable_variables, non_trainable_variables, optimizer_variables, _ = state
unchanged = float(loss_fn(y_all, model(x_all)))
np.testing.assert_allclose(unchanged, initial_loss, rtol=1e-6)
for variable, value in zip(model.trainable_variables, trainable_variables):
    variable.assign(value)
for variable, value in zip(model.non_trainable_variables, non_trainable_variables):
    variable.assign(value)
for variable, value in zip(optimizer.variables, optimizer_variables):
    variable.assign(value)
assert int(optimizer.iterations.numpy()) == 15
final_loss = float(loss_fn(y_all, model(x_all)))
assert final_loss < initial_loss, (initial_loss, final_loss)
logits = eval_step((trainable_variables, non_trainable_variables), x_all)
np.testing.assert_allclose(np.asarray(logits), model.predict(x_all, verbose=0), rtol=1e-4, atol=1e-5)

# A metric used statefully after the loop agrees with the stateless result.
val_accuracy = keras.metrics.SparseCategoricalAccuracy()
val_accuracy.update_state(y_all, logits)
expected = np.mean(np.argmax(np.asarray(logits), axis=-1) == y_all)
np.testing.assert_allclose(float(val_accuracy.result()), expected, rtol=1e-6)
print("training_loop_jax: ok")
