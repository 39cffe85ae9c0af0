#include <stdio.h>

int add(int a, int b);

int main(void)
{
	if (add(2, 3) != 5) {
		printf("add(2, 3) = %d\n", add(2, 3));
		return 1;
	}
	return 0;
}
