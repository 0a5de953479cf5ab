print("kube-testserver")
