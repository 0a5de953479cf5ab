/// The controller with every adapter running and nothing to read, watched for a while.
struct ScaleIdleResult: Sendable {
    let settleSeconds: Double
    let windowSeconds: Double
    let controller: ScaleProcessSample
    let controllerCPUPercent: Double
    let redisCPUPercent: Double
    let kubeServerCPUPercent: Double
    let redisClients: Int
    let redisMaxClients: Int
    let redisCommandsPerSecond: Double
    let statusWritesInWindow: Double
    let reconcilesPerSecond: Double
}
