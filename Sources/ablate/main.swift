Ablate.mainChecked()
