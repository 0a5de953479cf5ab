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
        // Issue 19's delivery rules, each scenario checking the rules it is about.
        OversizedJetStreamScenario.scenario(deadLettering: false),
        OversizedJetStreamScenario.scenario(deadLettering: true),
        EndlessBodyScenario.scenario,
        RefusingSinkScenarios.scenario(.redirectLoop, deadLettering: false),
        RefusingSinkScenarios.scenario(.redirectLoop, deadLettering: true),
        RefusingSinkScenarios.scenario(.notFound, deadLettering: false),
        RefusingSinkScenarios.scenario(.notFound, deadLettering: true),
        DeadLetterOOMScenario.scenario,
    ]
}
