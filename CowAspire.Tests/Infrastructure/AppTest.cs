namespace CowAspire.Tests.Infrastructure;

/// <summary>A test against the shared app, with every resource's output in the test's output.</summary>
[Collection(AppCollection.Name)]
public abstract class AppTest(AppFixture fixture, ITestOutputHelper output) : FixtureTest<AppFixture>(fixture, output);
