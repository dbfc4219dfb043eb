/* The emptiest preload library there is: what loading any preload costs,
 * the floor against which the shim's start-up overhead is judged. */
int bench_empty_preload(void);
int bench_empty_preload(void)
{
	return 0;
}
