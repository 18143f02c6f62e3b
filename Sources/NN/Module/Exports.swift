// `import NN` gives model code the whole engine too: tensors, ops, RNG, Cost.
@_exported import TensorEngine
