enum KubeClientPending {}
