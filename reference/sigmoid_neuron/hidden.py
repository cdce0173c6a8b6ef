HIDDEN = {"sigmoid_neuron": {}}
