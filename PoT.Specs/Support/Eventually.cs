namespace PoT.Specs.Support;

/// <summary>AwaitAssert for code outside a TestKit: re-checks an assertion until it holds or time runs out (then
/// the last failure is thrown). For effects that arrive through the outbox relay or the journal poll.</summary>
public static class Eventually
{
    public static async Task Holds(Func<Task> assertion, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
