"""Recurrent layers: the ``RNN`` loop, its cells, and the layers built on them."""

from cornu.layers.recurrent.gru import GRU
from cornu.layers.recurrent.gru_cell import GRUCell
from cornu.layers.recurrent.lstm import LSTM
from cornu.layers.recurrent.lstm_cell import LSTMCell
from cornu.layers.recurrent.rnn import RNN
from cornu.layers.recurrent.simple_rnn import SimpleRNN
from cornu.layers.recurrent.simple_rnn_cell import SimpleRNNCell
from cornu.layers.recurrent.stacked_rnn_cells import StackedRNNCells
