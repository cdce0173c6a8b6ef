HIDDEN = {"batchnorm_staged": {"N": 13, "D": 6}}
