"""TrainModel: a dataset -> a trained, exported model with its run record and model card."""
