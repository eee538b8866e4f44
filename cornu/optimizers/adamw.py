"""AdamW: Adam with decoupled weight decay."""

from cornu.optimizers.adam import Adam
from cornu.serialization.registry import keras_export


@keras_export("keras.optimizers.AdamW")
class AdamW(Adam):
    """Adam whose weight decay shrinks the weights directly, apart from the gradient.

    Each step first applies ``w -= learning_rate * weight_decay * w``, then
    the Adam update.

    Example:
    >>> opt = cornu.optimizers.AdamW(learning_rate=1e-3, weight_decay=0.01)
    >>> opt.exclude_from_weight_decay(var_names=["bias"])
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
