"""Fused optimizer updates: none here; every optimizer runs its generic ``update_step``."""


def fused_update_step(optimizer):
    return None
