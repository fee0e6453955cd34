import Datalog

/// The Agora service layer: wires policies, data sources, the engine and enforcement together.
public enum AgoraVersion {
    public static let current = "0.1.0"
}
