using System.Reflection;
using Xunit;

namespace Stream.Tests.Shared;

/// <summary>
/// The rule for unit versus integration tests, checked in every test project: each test class carries exactly one
/// <c>Category</c> trait. <c>Unit</c>: in process, no Kafka, Redis, child process or network (reading the shared
/// reference data is fine), milliseconds each. <c>Integration</c>: everything else. The test command runs the unit
/// tests first (<c>--filter Category=Unit</c>, seconds), then the integration tests.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TestCategoryTests
{
    private static readonly string[] Categories = ["Unit", "Integration"];

    [Fact]
    public void Every_test_class_is_either_a_unit_or_an_integration_test()
    {
        var testClasses = typeof(TestCategoryTests).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any()))
            .ToList();
        Assert.NotEmpty(testClasses);
        var wrong = testClasses.Where(t => CategoriesOf(t) is not [var c] || !Categories.Contains(c)).Select(t => $"{t.Name}: [{string.Join(", ", CategoriesOf(t))}]");
        Assert.Empty(wrong);
    }

    private static List<string> CategoriesOf(Type type) =>
        [.. type.CustomAttributes
            .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == "Category")
            .Select(a => (string)a.ConstructorArguments[1].Value!)];
}
