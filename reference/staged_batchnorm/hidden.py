HIDDEN = {"staged_batchnorm": {"N": 13, "D": 6}}
