/// Every scenario, in the order they run: the baseline first, as the others compare with it.
enum ScenarioCatalog {
    static let all: [Scenario] = [
        DeliveryScenarios.baseline,
        DeliveryScenarios.randomFailures(0.05),
        DeliveryScenarios.randomFailures(0.30),
        DeliveryScenarios.sinkOutage,
        CrashScenarios.redisKill,
        CrashScenarios.adapterKill,
        ControllerScenarios.controllerKill,
        ControllerScenarios.apiFaults,
        StreamLifecycleScenarios.lateStream,
        StreamLifecycleScenarios.recreatedStream,
        HostileFilterScenario.scenario,
    ]
}
