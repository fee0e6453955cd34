import Agora
import Foundation

print("agora \(AgoraVersion.current)")
