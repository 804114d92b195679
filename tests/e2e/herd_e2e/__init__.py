"""herd's end-to-end tier: nodes booted from the herd image (systemd-nspawn
containers and qemu VMs) in network namespaces of the run's own, a
controller on the test machine, and cases that check what a person would."""
