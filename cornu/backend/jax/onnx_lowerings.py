"""cornu's own jax2onnx lowerings for the primitives whose stock lowering breaks on cornu's layers.

Each class subclasses jax2onnx's plugin for the primitive, handles the cases below and hands
every other case back to the stock lowering:

- ``reduce_window_max`` / ``reduce_window_sum`` (max and average pooling). jax2onnx pools over
  every axis of the operand, so a channels-last 2D or 3D pooling becomes a 4D or 5D ONNX pool,
  which onnxruntime refuses ("Unsupported pooling size"). Here the two axes with a unit window
  (batch and channels) are moved to the front, the pool runs over the spatial axes only
  (``MaxPool``, or ``AveragePool`` counting pads times the window size for a sum), and the axes
  are moved back.
- ``conv_general_dilated`` with three spatial axes (``Conv3D``): the stock lowering knows only 1D
  and 2D layouts. The input and kernel are transposed to ONNX's ``NCDHW`` / ``OIDHW``, one
  ``Conv`` runs, and the output is transposed back to the layout JAX asked for.
- ``pad``: the stock lowering fails on a symbolic (dynamic) dimension, e.g. the batch axis of
  ``ZeroPadding1D`` or of a causal ``Conv1D``. Same ``Pad`` node, shapes stamped symbolically.

``install(registry)`` swaps them into jax2onnx's plugin registry (called once by
``onnx_plugins.load_jax2onnx``).

Example:
>>> install(plugin_system.PLUGIN_REGISTRY)
"""

import numpy as np

# reduce_window params that every axis carries, and their "does nothing" value.
_NEUTRAL = {"window_dimensions": 1, "window_strides": 1, "base_dilation": 1, "window_dilation": 1}


def install(registry):
    """Replaces the stock plugins for the primitives above in ``registry`` by cornu's."""
    for name, make in (("reduce_window_max", _max_pool_plugin), ("reduce_window_sum", _sum_pool_plugin),
                       ("pad", _pad_plugin), ("conv_general_dilated", _conv_plugin)):
        stock = registry.get(name)
        if stock is not None:
            registry[name] = make(type(stock))()


def _ir():
    import onnx_ir as ir
    from jax2onnx.converter.ir_builder import _dtype_to_ir
    from jax2onnx.plugins._ir_shapes import _ensure_value_metadata, _stamp_type_and_shape

    return ir, _dtype_to_ir, _stamp_type_and_shape, _ensure_value_metadata


def _emit(ctx, value, ir_dtype, shape):
    ir, _, stamp, ensure = _ir()
    value.type = ir.TensorType(ir_dtype)
    stamp(value, tuple(shape))
    ensure(ctx, value)
    return value


def _pool_layout(eqn, allow_dilation):
    """``(unit_axes, spatial_axes)`` when the pooling can run as an ONNX pool, else None."""
    params = eqn.params
    rank = len(eqn.invars[0].aval.shape)
    window = tuple(int(d) for d in params["window_dimensions"])
    strides = tuple(int(s) for s in params.get("window_strides") or (1,) * rank)
    padding = params.get("padding") or ((0, 0),) * rank
    if isinstance(padding, str) or any(int(d) != 1 for d in params.get("base_dilation") or ()):
        return None
    dilation = tuple(int(d) for d in params.get("window_dilation") or (1,) * rank)
    if not allow_dilation and any(d != 1 for d in dilation):
        return None
    unit = [a for a in range(rank) if window[a] == 1 and strides[a] == 1 and tuple(padding[a]) == (0, 0)
            and dilation[a] == 1]
    spatial = [a for a in range(rank) if a not in unit]
    if len(unit) < 2 or not 1 <= len(spatial) <= 3:
        return None
    # Extra unit axes (beyond batch and channels) would need a reshape: let the stock lowering try.
    if len(unit) > 2:
        return None
    return unit, spatial


def _lower_pool(ctx, eqn, layout, onnx_op, scale_by_window):
    _, dtype_to_ir, _, _ = _ir()

    unit, spatial = layout
    params = eqn.params
    operand_var, out_var = eqn.invars[0], eqn.outvars[0]
    in_shape = tuple(operand_var.aval.shape)
    out_shape = tuple(out_var.aval.shape)
    np_dtype = np.dtype(operand_var.aval.dtype)
    ir_dtype = dtype_to_ir(np_dtype, ctx.builder.enable_double_precision)
    perm = unit + spatial
    inverse = [perm.index(a) for a in range(len(perm))]

    operand = ctx.get_value_for_var(operand_var, name_hint=ctx.fresh_name("pool_in"))
    out_spec = ctx.get_value_for_var(out_var, name_hint=ctx.fresh_name("pool_out"))
    moved = _emit(ctx, ctx.builder.Transpose(operand, perm=perm, _outputs=[ctx.fresh_name("pool_nc_first")]),
                  ir_dtype, [in_shape[a] for a in perm])
    window = [int(params["window_dimensions"][a]) for a in spatial]
    strides = params.get("window_strides") or (1,) * len(in_shape)
    padding = params.get("padding") or ((0, 0),) * len(in_shape)
    kwargs = {
        "kernel_shape": window,
        "strides": [int(strides[a]) for a in spatial],
        "pads": [int(padding[a][0]) for a in spatial] + [int(padding[a][1]) for a in spatial],
    }
    dilation = params.get("window_dilation") or (1,) * len(in_shape)
    if any(int(dilation[a]) != 1 for a in spatial):
        kwargs["dilations"] = [int(dilation[a]) for a in spatial]
    if onnx_op == "AveragePool":
        kwargs["count_include_pad"] = 1
    pooled_shape = [out_shape[a] for a in perm]
    pooled = _emit(ctx, getattr(ctx.builder, onnx_op)(moved, _outputs=[ctx.fresh_name("pool")], **kwargs),
                   ir_dtype, pooled_shape)
    if scale_by_window:
        size = ctx.builder.add_initializer_from_array(
            name=ctx.fresh_name("pool_window_size"), array=np.asarray(np.prod(window), dtype=np_dtype))
        pooled = _emit(ctx, ctx.builder.Mul(pooled, size, _outputs=[ctx.fresh_name("pool_sum")]), ir_dtype,
                       pooled_shape)
    name = getattr(out_spec, "name", None) or ctx.fresh_name("pool_result")
    result = _emit(ctx, ctx.builder.Transpose(pooled, perm=inverse, _outputs=[name]), ir_dtype, out_shape)
    ctx.bind_value_for_var(out_var, result)


def _is_float(eqn):
    return np.issubdtype(np.dtype(eqn.invars[0].aval.dtype), np.floating)


def _max_pool_plugin(stock):
    class ChannelsLastMaxPool(stock):
        def lower(self, ctx, eqn, *args):
            layout = _pool_layout(eqn, allow_dilation=True) if _is_float(eqn) else None
            if layout is None:
                return super().lower(ctx, eqn, *args)
            return _lower_pool(ctx, eqn, layout, "MaxPool", scale_by_window=False)

    return ChannelsLastMaxPool


def _sum_pool_plugin(stock):
    class ChannelsLastSumPool(stock):
        def lower(self, ctx, eqn, *args):
            # AveragePool has no dilations before opset 19: dilated sums keep the stock lowering.
            layout = _pool_layout(eqn, allow_dilation=False) if _is_float(eqn) else None
            if layout is None:
                return super().lower(ctx, eqn, *args)
            return _lower_pool(ctx, eqn, layout, "AveragePool", scale_by_window=True)

    return ChannelsLastSumPool


def _pad_plugin(stock):
    class SymbolicPad(stock):
        def lower(self, ctx, eqn, *args):
            config = eqn.params["padding_config"]
            if any(int(interior) != 0 for _, _, interior in config):
                return super().lower(ctx, eqn, *args)
            _, dtype_to_ir, _, _ = _ir()
            data_var, fill_var = eqn.invars[:2]
            out_var = eqn.outvars[0]
            np_dtype = np.dtype(data_var.aval.dtype)
            ir_dtype = dtype_to_ir(np_dtype, ctx.builder.enable_double_precision)
            data = ctx.get_value_for_var(data_var, name_hint=ctx.fresh_name("pad_data"))
            fill = ctx.get_value_for_var(fill_var, name_hint=ctx.fresh_name("pad_fill"), prefer_np_dtype=np_dtype)
            fill_dtype = getattr(getattr(fill, "type", None), "dtype", None)
            if fill_dtype is not None and fill_dtype != ir_dtype:
                fill = _emit(ctx, ctx.builder.Cast(fill, to=int(ir_dtype.value), _outputs=[ctx.fresh_name("pad_fill")]),
                             ir_dtype, ())
            # ONNX Pad takes begins then ends; a negative amount crops, as in lax.pad.
            amounts = np.asarray([int(lo) for lo, _, _ in config] + [int(hi) for _, hi, _ in config], dtype=np.int64)
            pads = ctx.builder.add_initializer_from_array(name=ctx.fresh_name("pad_amounts"), array=amounts)
            out_spec = ctx.get_value_for_var(out_var, name_hint=ctx.fresh_name("pad_out"))
            name = getattr(out_spec, "name", None) or ctx.fresh_name("pad")
            result = _emit(ctx, ctx.builder.Pad(data, pads, fill, mode="constant", _outputs=[name]), ir_dtype,
                           tuple(out_var.aval.shape))
            ctx.bind_value_for_var(out_var, result)

    return SymbolicPad


def _conv_plugin(stock):
    class AnyLayoutConv(stock):
        def lower(self, ctx, eqn, *args):
            params = eqn.params
            rank = len(eqn.invars[0].aval.shape)
            plain = (all(int(d) == 1 for d in params.get("lhs_dilation") or ())
                     and int(params.get("batch_group_count", 1)) == 1
                     and not isinstance(params.get("padding"), str))
            if rank != 5 or not plain:
                return super().lower(ctx, eqn, *args)
            _lower_conv_any_layout(ctx, eqn)

    return AnyLayoutConv


def _lower_conv_any_layout(ctx, eqn):
    _, dtype_to_ir, _, _ = _ir()
    params = eqn.params
    lhs_var, rhs_var = eqn.invars[:2]
    out_var = eqn.outvars[0]
    lhs_spec, rhs_spec, out_spec = (tuple(int(a) for a in spec) for spec in params["dimension_numbers"])
    lhs_shape, rhs_shape = tuple(lhs_var.aval.shape), tuple(rhs_var.aval.shape)
    out_shape = tuple(out_var.aval.shape)
    ir_dtype = dtype_to_ir(np.dtype(out_var.aval.dtype), ctx.builder.enable_double_precision)
    lhs = ctx.get_value_for_var(lhs_var, name_hint=ctx.fresh_name("conv_in"))
    rhs = ctx.get_value_for_var(rhs_var, name_hint=ctx.fresh_name("conv_kernel"))
    named = ctx.get_value_for_var(out_var, name_hint=ctx.fresh_name("conv_out"))
    # lhs_spec lists the input's (batch, feature, spatial...) axes: transposing by it gives NC...
    lhs = _emit(ctx, ctx.builder.Transpose(lhs, perm=list(lhs_spec), _outputs=[ctx.fresh_name("conv_in_nc")]),
                ir_dtype, [lhs_shape[a] for a in lhs_spec])
    rhs = _emit(ctx, ctx.builder.Transpose(rhs, perm=list(rhs_spec), _outputs=[ctx.fresh_name("conv_kernel_oi")]),
                ir_dtype, [rhs_shape[a] for a in rhs_spec])
    spatial = len(lhs_spec) - 2
    padding = tuple(tuple(int(p) for p in pair) for pair in params.get("padding") or ((0, 0),) * spatial)
    kwargs = {
        "strides": [int(s) for s in params.get("window_strides") or (1,) * spatial],
        "pads": [lo for lo, _ in padding] + [hi for _, hi in padding],
        "dilations": [int(d) for d in params.get("rhs_dilation") or (1,) * spatial],
        "group": int(params.get("feature_group_count", 1)),
    }
    canonical_shape = [out_shape[a] for a in out_spec]
    result = _emit(ctx, ctx.builder.Conv(lhs, rhs, _outputs=[ctx.fresh_name("conv_nc")], **kwargs), ir_dtype,
                   canonical_shape)
    # The result's k-th axis is the output's axis out_spec[k]: transpose by the inverse order.
    back = [out_spec.index(a) for a in range(len(out_spec))]
    name = getattr(named, "name", None) or ctx.fresh_name("conv")
    result = _emit(ctx, ctx.builder.Transpose(result, perm=back, _outputs=[name]), ir_dtype, out_shape)
    ctx.bind_value_for_var(out_var, result)
