import { startMoto } from '../helpers/moto'

test('without moto_server the end-to-end suites fail with how to install it, never skip', async () => {
  await expect(startMoto({}, 'moto_server_that_is_not_installed')).rejects.toThrow(
    "pip install 'moto[server]'"
  )
})
