import Agora

print("agora-bench")
