namespace CowAspire.Tests.Infrastructure;

/// <summary>An app of its own for tests that kill, stop and restart resources, so other tests never see it.</summary>
public sealed class FaultAppFixture : AppFixture;
